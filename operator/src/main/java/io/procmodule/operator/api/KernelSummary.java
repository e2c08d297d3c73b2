package io.procmodule.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How the selected nodes running one kernel release are doing; keeps big clusters readable. */
public class KernelSummary {
    @JsonPropertyDescription("The kernel release.")
    private String kernelRelease;

    @JsonPropertyDescription("Selected nodes running it.")
    private int nodes;

    @JsonPropertyDescription("Of those, verified.")
    private int verified;

    @JsonPropertyDescription("Of those, failed.")
    private int failed;

    public KernelSummary() {}

    public KernelSummary(String kernelRelease, int nodes, int verified, int failed) {
        this.kernelRelease = kernelRelease;
        this.nodes = nodes;
        this.verified = verified;
        this.failed = failed;
    }

    public String getKernelRelease() {
        return kernelRelease;
    }

    public void setKernelRelease(String kernelRelease) {
        this.kernelRelease = kernelRelease;
    }

    public int getNodes() {
        return nodes;
    }

    public void setNodes(int nodes) {
        this.nodes = nodes;
    }

    public int getVerified() {
        return verified;
    }

    public void setVerified(int verified) {
        this.verified = verified;
    }

    public int getFailed() {
        return failed;
    }

    public void setFailed(int failed) {
        this.failed = failed;
    }
}
