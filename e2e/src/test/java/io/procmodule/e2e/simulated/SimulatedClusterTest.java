package io.procmodule.e2e.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.procmodule.e2e.RepoFiles;
import io.procmodule.e2e.cluster.Cluster;
import io.procmodule.e2e.scenarios.ClusterScenarios;
import io.procmodule.e2e.scenarios.Sample;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.api.ModuleName;
import io.procmodule.operator.api.NodeState;
import io.procmodule.operator.api.NodeStatus;
import io.procmodule.operator.api.Phase;
import io.procmodule.operator.api.ProcModule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The end-to-end suite on the simulated cluster: the real operator and the real agent, nodes that
 * are QEMU VMs with real Debian kernels. One set of VMs for the whole class; scenarios run in order.
 *
 * <p>First the shared scenarios of {@link ClusterScenarios} (also run on kind) on node-a (6.1) and
 * node-b (6.12): they expect every node to end up verified. Then node-c, whose kernel headers are
 * missing, joins, and the scenarios only real kernels can show follow: Degraded 2/3, message change, pod restart,
 * reboot into another kernel, deletion.
 *
 * <p>Skipped, with the reason, where QEMU or the kernels are missing; on CI ({@code CI=true}, set by
 * GitHub Actions and most CI systems) that is a failure instead, because CI installs them.
 */
class SimulatedClusterTest extends ClusterScenarios {
    private static final String NODE_A = "node-a";
    private static final String NODE_B = "node-b";
    private static final String NODE_C = "node-c";

    @RegisterExtension
    static final ScenarioTimer TIMER = new ScenarioTimer();

    private static SimulatedCluster cluster;
    private static HostKernels kernels;
    private static String skipReason;

    @BeforeAll
    static void startCluster() {
        Path root = RepoFiles.root();
        Optional<String> unavailable = SimulatedCluster.unavailableReason(root);
        if (unavailable.isPresent()) {
            skipReason = unavailable.get();
            if ("true".equals(System.getenv("CI"))) {
                fail("simulated e2e: cannot run on CI: " + skipReason);
            }
            System.out.println("simulated e2e: SKIPPED: " + skipReason);
            return;
        }
        kernels = HostKernels.discover(root).orElseThrow();
        List<NodeSpec> nodes = NodeSpec.standardNodes(kernels);
        long start = System.nanoTime();
        // node-c (no headers) joins after the shared scenarios, which expect every node verified.
        cluster = SimulatedCluster.start(
                root,
                root.resolve("e2e/target/simulated-nodes"),
                nodes.stream().filter(n -> !n.name().equals(NODE_C)).toList());
        System.out.printf(
                "simulated e2e: cluster up (node-a %s, node-b %s) in %.1f s%n",
                kernels.debian61(), kernels.debian612(), (System.nanoTime() - start) / 1e9);
    }

    @BeforeEach
    void skipWithoutCluster() {
        Assumptions.assumeTrue(cluster != null, () -> "simulated e2e skipped: " + skipReason);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected Cluster cluster() {
        return cluster;
    }

    /** The sample starts over on three nodes, one of which has no kernel headers. */
    @Test
    @Order(10)
    void sampleOnThreeNodesIsDegradedByTheNodeWithoutHeaders() {
        if (cluster.get(Sample.NAME).isPresent()) {
            cluster.delete(Sample.NAME);
            cluster.awaitDeleted(Sample.NAME, cluster.rolloutTimeout());
        }
        cluster.join(NodeSpec.standardNodes(kernels).get(2));
        cluster.apply(Sample.fromFile());

        ProcModule pm = cluster.await(
                Sample.NAME,
                settled(node -> node.getState() == NodeState.Verified, node -> node.getState() == NodeState.Failed),
                "node-a and node-b Verified, node-c Failed",
                cluster.rolloutTimeout());

        System.out.println(
                "simulated e2e: status of " + Sample.NAME + " at the Degraded point:\n" + cluster.statusYaml(pm));
        System.out.println("simulated e2e: kubectl get procmodules:\n" + cluster.kubectlGetProcModules());
        assertThat(pm.getStatus().getPhase()).isEqualTo(Phase.Degraded);
        assertThat(pm.getStatus().getReady()).isEqualTo("2/3");
        assertThat(Cluster.condition(pm, "Degraded"))
                .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
        for (String node : List.of(NODE_A, NODE_B)) {
            assertThat(nodeStatus(pm, node).getKernelRelease())
                    .as("%s kernel release", node)
                    .isEqualTo(cluster.unameR(node));
            assertThat(cluster.readProcEntry(node, "hello_world")).contains("Hello, World!\n");
        }
        assertThat(nodeStatus(pm, NODE_A).getKernelRelease()).isEqualTo(kernels.debian61());
        assertThat(nodeStatus(pm, NODE_B).getKernelRelease()).isEqualTo(kernels.debian612());
        NodeStatus c = nodeStatus(pm, NODE_C);
        assertThat(c.getReason()).isEqualTo("HeadersMissing");
        // The package to install, not only the dangling path (which also contains "linux-headers-").
        assertThat(c.getMessage()).contains("package linux-headers-" + kernels.debian61());
        assertThat(cluster.readProcEntry(NODE_C, "hello_world")).isEmpty();
    }

    /**
     * Both healthy nodes reload the module with the new message. maxUnavailable is 2 here: node-c
     * is permanently unavailable, and with 1 the DaemonSet rollout stalls, as Kubernetes' would.
     */
    @Test
    @Order(11)
    void messageChangeReloadsBothHealthyNodes() {
        ProcModule changed = Sample.fromFile();
        changed.getSpec().setMessage("Hello again, from a simulated cluster!");
        changed.getSpec().getRollout().setMaxUnavailable(new IntOrString(2));
        long generation = cluster.apply(changed).getMetadata().getGeneration();

        ProcModule pm = cluster.await(
                Sample.NAME,
                settled(
                                node -> node.getState() == NodeState.Verified && "Replaced".equals(node.getReason()),
                                node -> node.getState() == NodeState.Failed)
                        .and(p -> Long.valueOf(generation).equals(p.getStatus().getObservedGeneration())),
                "node-a and node-b Verified after a reload (Replaced) at generation " + generation,
                cluster.rolloutTimeout());

        assertThat(pm.getStatus().getReady()).isEqualTo("2/3");
        for (String node : List.of(NODE_A, NODE_B)) {
            assertThat(cluster.readProcEntry(node, "hello_world"))
                    .as(node)
                    .contains(changed.getSpec().getMessage() + "\n");
        }
    }

    /** A new agent pod on node-a finds its build in the cache and adopts the loaded module. */
    @Test
    @Order(12)
    void restartedPodHitsTheCacheAndDoesNotReload() {
        String created = "created /proc/hello_world";
        long loadsBefore = kernelLogLines(NODE_A, created);
        String sysfsBefore = moduleSysfs(NODE_A);
        Pod old = agentPod(NODE_A).orElseThrow();

        cluster.client().resource(old).delete();
        Pod restarted = awaitPod(
                NODE_A,
                p -> !p.getMetadata().getUid().equals(old.getMetadata().getUid()) && containerReady(p, "monitor"),
                "a new, ready agent pod on node-a");

        assertThat(terminationMessage(restarted, "build")).startsWith("CacheHit\n");
        assertThat(terminationMessage(restarted, "load")).startsWith("Adopted\n");
        assertThat(kernelLogLines(NODE_A, created))
                .as("module loads in node-a's kernel log")
                .isEqualTo(loadsBefore);
        assertThat(moduleSysfs(NODE_A)).as("/sys/module/hello_proc on node-a").isEqualTo(sysfsBefore);
        ProcModule pm = cluster.await(
                Sample.NAME,
                p -> nodeStatus(p, NODE_A).getState() == NodeState.Verified,
                "node-a Verified",
                cluster.rolloutTimeout());
        assertThat(nodeStatus(pm, NODE_A).getReason()).isEqualTo("Adopted");
    }

    /** node-a moves to the 6.12 kernel: the agent rebuilds for it and the status shows the new release. */
    @Test
    @Order(13)
    void nodeRebootedIntoAnotherKernelIsRebuiltAndVerified() throws InterruptedException {
        String newKernel = kernels.debian612();
        cluster.reboot(NODE_A, newKernel);
        assertThat(cluster.unameR(NODE_A)).isEqualTo(newKernel);

        Pod pod = awaitPod(
                NODE_A,
                p -> containerReady(p, "monitor")
                        && terminationMessage(p, "build").contains(newKernel),
                "node-a's agent ready after building for " + newKernel);
        assertThat(terminationMessage(pod, "build")).startsWith("Built\n");
        ProcModule pm = cluster.await(
                Sample.NAME,
                p -> nodeStatus(p, NODE_A).getState() == NodeState.Verified
                        && newKernel.equals(nodeStatus(p, NODE_A).getKernelRelease()),
                "node-a Verified on " + newKernel,
                cluster.rolloutTimeout());
        assertThat(pm.getStatus().getReady()).isEqualTo("2/3");
        assertThat(cluster.readProcEntry(NODE_A, "hello_world"))
                .contains(pm.getSpec().getMessage() + "\n");
    }

    /** Deletion unloads from both nodes that had the module, then the finalizer lets the object go. */
    @Test
    @Order(14)
    void deletionUnloadsEverywhereThenReleasesTheResource() {
        cluster.delete(Sample.NAME);
        cluster.awaitDeleted(Sample.NAME, cluster.rolloutTimeout());
        for (String node : List.of(NODE_A, NODE_B, NODE_C)) {
            assertThat(cluster.readProcEntry(node, "hello_world"))
                    .as("/proc/hello_world on %s", node)
                    .isEmpty();
            assertThat(cluster.moduleLoaded(node, ModuleName.forEntry("hello_world")))
                    .as("module on %s", node)
                    .isFalse();
        }
    }

    /** Every listed node settled: node-c failed, the others healthy by {@code healthy}. */
    private static Predicate<ProcModule> settled(Predicate<NodeStatus> healthy, Predicate<NodeStatus> failed) {
        return pm -> pm.getStatus() != null
                && pm.getStatus().getNodes().size() == 3
                && pm.getStatus().getNodes().stream()
                        .allMatch(n -> NODE_C.equals(n.getNodeName()) ? failed.test(n) : healthy.test(n));
    }

    private static NodeStatus nodeStatus(ProcModule pm, String node) {
        return pm.getStatus().getNodes().stream()
                .filter(n -> node.equals(n.getNodeName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        node + " not in status.nodes: " + pm.getStatus().getNodes()));
    }

    /** The sample's agent pod on {@code node} (the DaemonSet controller names it), unless being deleted. */
    private static Optional<Pod> agentPod(String node) {
        return cluster
                .client()
                .pods()
                .inNamespace(SimulatedCluster.OPERATOR_NAMESPACE)
                .withLabel(AgentLabels.INSTANCE, Sample.NAME)
                .withLabel(AgentLabels.COMPONENT, AgentLabels.COMPONENT_AGENT)
                .withField("spec.nodeName", node)
                .list()
                .getItems()
                .stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .findFirst();
    }

    private static Pod awaitPod(String node, Predicate<Pod> condition, String description) {
        return Awaitility.await(description)
                .atMost(cluster.rolloutTimeout())
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () -> agentPod(node).filter(p -> p.getStatus() != null && condition.test(p)),
                        Optional::isPresent)
                .orElseThrow();
    }

    private static boolean containerReady(Pod pod, String container) {
        return pod.getStatus().getContainerStatuses().stream()
                .anyMatch(s -> container.equals(s.getName()) && Boolean.TRUE.equals(s.getReady()));
    }

    /** The termination message of an init container's last completed run ("" if none). */
    private static String terminationMessage(Pod pod, String container) {
        return pod.getStatus().getInitContainerStatuses().stream()
                .filter(s -> container.equals(s.getName()))
                .map(ContainerStatus::getState)
                .filter(s -> s != null
                        && s.getTerminated() != null
                        && s.getTerminated().getMessage() != null)
                .map(s -> s.getTerminated().getMessage())
                .findFirst()
                .orElse("");
    }

    private static long kernelLogLines(String node, String text) {
        return cluster.nodeOutput(node, List.of("dmesg"))
                .lines()
                .filter(l -> l.contains(text))
                .count();
    }

    /** What identifies one load of the module: its state, reference count and section addresses. */
    private static String moduleSysfs(String node) {
        return cluster.nodeOutput(
                node,
                List.of("sh", "-c", "cd /sys/module/hello_proc && cat initstate refcnt sections/.text sections/.data"));
    }
}
