package io.procmodule.e2e.simulated;

import java.util.List;

/** A simulated node: its name, the kernel its VM boots, and whether that kernel's headers are installed. */
public record NodeSpec(String name, String kernel, boolean headers) {

    /**
     * The simulated cluster's three nodes: Debian's 6.1 kernel, its 6.12 kernel, and a node whose kernel headers
     * are missing (the 6.1 kernel booted without its headers disk).
     */
    public static List<NodeSpec> standardNodes(HostKernels kernels) {
        return List.of(
                new NodeSpec("node-a", kernels.debian61(), true),
                new NodeSpec("node-b", kernels.debian612(), true),
                new NodeSpec("node-c", kernels.debian61(), false));
    }
}
