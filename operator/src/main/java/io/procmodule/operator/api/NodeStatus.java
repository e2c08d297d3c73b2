package io.procmodule.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One node's line in {@code status.nodes}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeStatus {
    @JsonPropertyDescription("The node.")
    private String nodeName;

    @JsonPropertyDescription("The running kernel (uname -r) the module was built for.")
    private String kernelRelease;

    @JsonPropertyDescription(
            "Where the node is: waiting for its agent, building, loading, verifying, verified, failed, or unloading.")
    private NodeState state;

    @JsonPropertyDescription(
            "The agent's reason, e.g. Built, CacheHit, HeadersMissing, BuildFailed, WrongKernel, EntryTaken.")
    private String reason;

    @JsonPropertyDescription("What the agent reported, with the fix to apply when it failed.")
    private String message;

    @JsonPropertyDescription("When the state last changed.")
    private String lastTransitionTime;

    public NodeStatus() {}

    public NodeStatus(
            String nodeName,
            String kernelRelease,
            NodeState state,
            String reason,
            String message,
            String lastTransitionTime) {
        this.nodeName = nodeName;
        this.kernelRelease = kernelRelease;
        this.state = state;
        this.reason = reason;
        this.message = message;
        this.lastTransitionTime = lastTransitionTime;
    }

    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    public String getKernelRelease() {
        return kernelRelease;
    }

    public void setKernelRelease(String kernelRelease) {
        this.kernelRelease = kernelRelease;
    }

    public NodeState getState() {
        return state;
    }

    public void setState(NodeState state) {
        this.state = state;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public String getLastTransitionTime() {
        return lastTransitionTime;
    }

    public void setLastTransitionTime(String lastTransitionTime) {
        this.lastTransitionTime = lastTransitionTime;
    }

    @Override
    public String toString() {
        return nodeName + "=" + state + (reason == null ? "" : "(" + reason + ")");
    }
}
