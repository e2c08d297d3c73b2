package io.procmodule.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The operator's account of every selected node. Sized for thousands of nodes: {@link #nodes} lists
 * at most a fixed number of entries (unhealthy ones first), {@link #unlistedNodes} counts the rest
 * and {@link #kernels} summarises all of them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProcModuleStatus {
    public static final String CONDITION_READY = "Ready";
    public static final String CONDITION_PROGRESSING = "Progressing";
    public static final String CONDITION_DEGRADED = "Degraded";

    @JsonPropertyDescription("The spec generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("The overall state at a glance; the conditions say why.")
    private Phase phase;
    /** "verified/desired", for the READY printer column. */
    @JsonPropertyDescription("Verified nodes / selected nodes, as shown by kubectl get.")
    private String ready;

    @JsonPropertyDescription("Nodes the nodeSelector and tolerations select.")
    private int desiredNodes;

    @JsonPropertyDescription("Selected nodes where /proc/<entryName> reads exactly the message.")
    private int verifiedNodes;

    @JsonPropertyDescription("Selected nodes whose agent reported a failure (see nodes[].reason).")
    private int failedNodes;

    @JsonPropertyDescription("Nodes the module is being unloaded from (deselected, or the resource is being deleted).")
    private int unloadingNodes;
    /** The entry and module the operator applied; the unload of a deleted resource uses these. */
    @JsonPropertyDescription("The entry the operator applied; unloading uses it.")
    private String entryName;

    @JsonPropertyDescription("The kernel module the operator applied; unloading uses it.")
    private String moduleName;

    @JsonPropertyDescription("Ready, Progressing and Degraded, with the reason and message.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Per-node state, unhealthy nodes first, at most a fixed number of entries.")
    private List<NodeStatus> nodes = new ArrayList<>();

    @JsonPropertyDescription("Nodes not listed in nodes (counted in kernels).")
    private int unlistedNodes;

    @JsonPropertyDescription("Per kernel release: selected, verified and failed nodes.")
    private List<KernelSummary> kernels = new ArrayList<>();

    public Optional<Condition> condition(String type) {
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public Phase getPhase() {
        return phase;
    }

    public void setPhase(Phase phase) {
        this.phase = phase;
    }

    public String getReady() {
        return ready;
    }

    public void setReady(String ready) {
        this.ready = ready;
    }

    public int getDesiredNodes() {
        return desiredNodes;
    }

    public void setDesiredNodes(int desiredNodes) {
        this.desiredNodes = desiredNodes;
    }

    public int getVerifiedNodes() {
        return verifiedNodes;
    }

    public void setVerifiedNodes(int verifiedNodes) {
        this.verifiedNodes = verifiedNodes;
    }

    public int getFailedNodes() {
        return failedNodes;
    }

    public void setFailedNodes(int failedNodes) {
        this.failedNodes = failedNodes;
    }

    public int getUnloadingNodes() {
        return unloadingNodes;
    }

    public void setUnloadingNodes(int unloadingNodes) {
        this.unloadingNodes = unloadingNodes;
    }

    public String getEntryName() {
        return entryName;
    }

    public void setEntryName(String entryName) {
        this.entryName = entryName;
    }

    public String getModuleName() {
        return moduleName;
    }

    public void setModuleName(String moduleName) {
        this.moduleName = moduleName;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions == null ? new ArrayList<>() : conditions;
    }

    public List<NodeStatus> getNodes() {
        return nodes;
    }

    public void setNodes(List<NodeStatus> nodes) {
        this.nodes = nodes == null ? new ArrayList<>() : nodes;
    }

    public int getUnlistedNodes() {
        return unlistedNodes;
    }

    public void setUnlistedNodes(int unlistedNodes) {
        this.unlistedNodes = unlistedNodes;
    }

    public List<KernelSummary> getKernels() {
        return kernels;
    }

    public void setKernels(List<KernelSummary> kernels) {
        this.kernels = kernels == null ? new ArrayList<>() : kernels;
    }
}
