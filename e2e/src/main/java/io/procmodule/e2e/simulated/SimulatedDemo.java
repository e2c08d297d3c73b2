package io.procmodule.e2e.simulated;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.procmodule.e2e.RepoFiles;
import io.procmodule.operator.api.NodeState;
import io.procmodule.operator.api.NodeStatus;
import io.procmodule.operator.api.ProcModule;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.stream.Collectors;

/**
 * The README's main command where docker or kind is not available ({@code hack/demo}): the
 * shipped sample on the simulated cluster, showing what a user would see. Exit 0 when every node
 * ended where it should (node-a and node-b serving the sample's bytes, node-c reporting its missing
 * headers) and the deletion unloaded the module; 1 otherwise; 2 when QEMU or the kernels are missing.
 */
public final class SimulatedDemo {
    private static final String SAMPLE = "deploy/samples/hello-proc.yaml";
    private static final Duration TIMEOUT = Duration.ofMinutes(15);

    private SimulatedDemo() {}

    public static void main(String[] args) {
        // What a user should see is this program's output, not the libraries' (informers, watches).
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(Level.WARNING);
        for (Handler handler : root.getHandlers()) {
            handler.setLevel(Level.WARNING);
        }
        System.exit(run(System.out));
    }

    static int run(PrintStream out) {
        out.println("""
        demo: the control plane is real Kubernetes (etcd, kube-apiserver, controller-manager, scheduler,
        demo: built by hack/build-kubernetes), the operator is the real one (in this process, as its
        demo: ServiceAccount), the nodes are QEMU VMs booting this machine's Debian kernels, and a
        demo: STAND-IN KUBELET (not the real one) runs the real agent pods in them.
        demo: node-a: Debian 6.1 kernel; node-b: 6.12 kernel; node-c: kernel headers NOT installed.""");
        Path root = RepoFiles.root();
        Optional<String> unavailable = SimulatedCluster.unavailableReason(root);
        if (unavailable.isPresent()) {
            out.println("demo: error: cannot simulate nodes here: " + unavailable.get());
            return 2;
        }
        List<NodeSpec> nodes = NodeSpec.standardNodes(HostKernels.discover(root).orElseThrow());
        out.println("demo: booting 3 node VMs (the first run also builds their disk images) ...");
        try (SimulatedCluster cluster =
                SimulatedCluster.start(root, root.resolve("e2e/target/simulated-demo"), nodes)) {
            ProcModule sample = new KubernetesSerialization().unmarshal(RepoFiles.read(SAMPLE), ProcModule.class);
            String name = sample.getMetadata().getName();
            String entry = sample.getSpec().getEntryName();
            out.println("$ kubectl apply -f " + SAMPLE);
            out.print(cluster.kubectl("apply", "-f", root.resolve(SAMPLE).toString()));
            out.println(
                    "demo: waiting until every node is Verified or Failed (a cold module build in a TCG VM takes minutes)");
            AtomicReference<String> shown = new AtomicReference<>("");
            ProcModule pm = cluster.await(
                    name,
                    p -> {
                        if (p.getStatus() == null) {
                            return false;
                        }
                        String progress = p.getStatus().getNodes().stream()
                                .map(n -> n.getNodeName() + "=" + n.getState()
                                        + (n.getReason() == null ? "" : "(" + n.getReason() + ")"))
                                .collect(Collectors.joining(" "));
                        if (!progress.equals(shown.getAndSet(progress))) {
                            out.println("demo:   " + p.getStatus().getReady() + " "
                                    + p.getStatus().getPhase() + ": " + progress);
                        }
                        return p.getStatus().getNodes().size() == nodes.size()
                                && p.getStatus().getNodes().stream()
                                        .allMatch(n ->
                                                n.getState() == NodeState.Verified || n.getState() == NodeState.Failed);
                    },
                    "every node Verified or Failed",
                    TIMEOUT);

            out.println("\n$ kubectl get procmodules\n" + cluster.kubectlGetProcModules());
            out.println("Per-node status (status.nodes):");
            out.print(nodeTable(pm.getStatus().getNodes()));
            boolean ok = true;
            out.println("\n/proc/" + entry + " read in each node's VM:");
            for (NodeSpec node : nodes) {
                Optional<String> content = cluster.readProcEntry(node.name(), entry);
                out.printf(
                        "  %s (%s): %s%n",
                        node.name(),
                        cluster.unameR(node.name()),
                        content.map(c -> '"' + c.replace("\n", "\\n") + '"').orElse("(no such entry)"));
                boolean expected = node.headers()
                        ? content.equals(Optional.of(sample.getSpec().getMessage() + "\n"))
                        : content.isEmpty();
                ok &= expected;
            }
            ok &= pm.getStatus().getNodes().stream()
                    .allMatch(n -> nodes.stream()
                            .anyMatch(s -> s.name().equals(n.getNodeName())
                                    && (s.headers()
                                            ? n.getState() == NodeState.Verified
                                            : "HeadersMissing".equals(n.getReason()))));

            out.println("\n$ kubectl delete procmodule " + name
                    + "  (the finalizer unloads the module from every node first)");
            out.print(cluster.kubectl("delete", "procmodule", name, "--timeout=" + TIMEOUT.toSeconds() + "s"));
            for (NodeSpec node : nodes) {
                boolean gone = cluster.readProcEntry(node.name(), entry).isEmpty();
                out.printf("  %s: /proc/%s %s%n", node.name(), entry, gone ? "gone" : "STILL PRESENT");
                ok &= gone;
            }
            out.println(
                    ok
                            ? "\ndemo: done: the simulated cluster behaved as expected (node-c fails until its headers are installed)"
                            : "\ndemo: FAILED: some node did not end up as expected (see above)");
            return ok ? 0 : 1;
        } catch (RuntimeException | AssertionError e) {
            out.println("demo: FAILED: " + e.getMessage());
            return 1;
        }
    }

    private static String nodeTable(List<NodeStatus> nodes) {
        StringBuilder table = new StringBuilder(
                String.format("  %-8s %-24s %-9s %-15s %s%n", "NODE", "KERNEL", "STATE", "REASON", "MESSAGE"));
        for (NodeStatus n : nodes) {
            table.append(String.format(
                    "  %-8s %-24s %-9s %-15s %s%n",
                    n.getNodeName(), n.getKernelRelease(), n.getState(), n.getReason(), n.getMessage()));
        }
        return table.toString();
    }
}
