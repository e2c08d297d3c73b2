package io.procmodule.e2e.simulated;

import static io.procmodule.e2e.scenarios.Sample.ENTRY;
import static io.procmodule.e2e.scenarios.SampleOnNodes.NODE_A;
import static io.procmodule.e2e.scenarios.SampleOnNodes.NODE_B;
import static io.procmodule.e2e.scenarios.SampleOnNodes.NODE_C;
import static io.procmodule.e2e.scenarios.SampleOnNodes.nodeStatus;
import static io.procmodule.e2e.scenarios.SampleOnNodes.settled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.procmodule.e2e.RepoFiles;
import io.procmodule.e2e.cluster.Cluster;
import io.procmodule.e2e.scenarios.ClusterScenarios;
import io.procmodule.e2e.scenarios.Sample;
import io.procmodule.e2e.scenarios.SampleOnNodes;
import io.procmodule.operator.api.NodeState;
import io.procmodule.operator.api.NodeStatus;
import io.procmodule.operator.api.Phase;
import io.procmodule.operator.api.ProcModule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
    @RegisterExtension
    static final ScenarioTimer TIMER = new ScenarioTimer();

    private static SimulatedCluster cluster;
    private static SampleOnNodes sample;
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
        sample = new SampleOnNodes(cluster, Duration.ofSeconds(1));
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
        sample.deleteIfPresent();
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
            assertThat(cluster.readProcEntry(node, ENTRY)).contains("Hello, World!\n");
        }
        assertThat(nodeStatus(pm, NODE_A).getKernelRelease()).isEqualTo(kernels.debian61());
        assertThat(nodeStatus(pm, NODE_B).getKernelRelease()).isEqualTo(kernels.debian612());
        NodeStatus c = nodeStatus(pm, NODE_C);
        assertThat(c.getReason()).isEqualTo("HeadersMissing");
        // The package to install, not only the dangling path (which also contains "linux-headers-").
        assertThat(c.getMessage()).contains("package linux-headers-" + kernels.debian61());
        assertThat(cluster.readProcEntry(NODE_C, ENTRY)).isEmpty();
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
            assertThat(cluster.readProcEntry(node, ENTRY))
                    .as(node)
                    .contains(changed.getSpec().getMessage() + "\n");
        }
    }

    /** A new agent pod on node-a hits the cache, and node-a's status says the module was adopted. */
    @Test
    @Order(12)
    void restartedPodHitsTheCacheAndDoesNotReload() {
        sample.deletedAgentPodHitsTheCacheAndDoesNotReload();
        ProcModule pm = cluster.await(
                Sample.NAME,
                p -> nodeStatus(p, NODE_A).getState() == NodeState.Verified,
                "node-a Verified",
                cluster.rolloutTimeout());
        assertThat(nodeStatus(pm, NODE_A).getReason()).isEqualTo("Adopted");
    }

    @Test
    @Order(13)
    void nodeRebootedIntoAnotherKernelIsRebuiltAndVerified() throws InterruptedException {
        sample.nodeRebootedIntoAnotherKernelIsRebuiltAndVerified(kernels.debian612(), cluster::reboot);
    }

    @Test
    @Order(14)
    void deletionUnloadsEverywhereThenReleasesTheResource() {
        sample.deletionUnloadsEverywhereThenReleasesTheResource();
    }
}
