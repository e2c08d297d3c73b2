package io.procmodule.e2e.nodes;

import static io.procmodule.e2e.scenarios.Sample.ENTRY;
import static io.procmodule.e2e.scenarios.SampleOnNodes.NODE_A;
import static io.procmodule.e2e.scenarios.SampleOnNodes.NODE_B;
import static io.procmodule.e2e.scenarios.SampleOnNodes.NODE_C;
import static io.procmodule.e2e.scenarios.SampleOnNodes.nodeStatus;
import static io.procmodule.e2e.scenarios.SampleOnNodes.settled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.procmodule.e2e.RepoFiles;
import io.procmodule.e2e.cluster.Cluster;
import io.procmodule.e2e.scenarios.ClusterScenarios;
import io.procmodule.e2e.scenarios.Sample;
import io.procmodule.e2e.scenarios.SampleOnNodes;
import io.procmodule.e2e.simulated.HostKernels;
import io.procmodule.e2e.simulated.ScenarioTimer;
import io.procmodule.operator.api.NodeState;
import io.procmodule.operator.api.NodeStatus;
import io.procmodule.operator.api.Phase;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The end-to-end suite on real nodes ({@code hack/cluster}: the real kubelet, containerd and runc in
 * QEMU VMs with real Debian kernels). Opt-in ({@code hack/test-nodes}, profile real-nodes); when
 * asked for, it fails rather than skips where the cluster cannot start.
 *
 * <p>First the shared scenarios of {@link ClusterScenarios} on node-a (6.1) and node-b (6.12), which
 * expect every node verified; then node-c (no kernel headers) joins and the scenarios that need real
 * kernels and a real kubelet follow, in order, on one sample resource.
 */
class RealNodesTest extends ClusterScenarios {
    @RegisterExtension
    static final ScenarioTimer TIMER = new ScenarioTimer("real-nodes e2e");

    private static RealNodesCluster cluster;
    private static SampleOnNodes sample;
    private static HostKernels kernels;

    @BeforeAll
    static void startCluster() {
        Assumptions.assumeTrue(
                Boolean.getBoolean("procmodule.e2e.realNodes"),
                "real-nodes e2e is opt-in: hack/test-nodes, or mvn verify -Preal-nodes");
        Optional<String> unavailable = RealNodesCluster.unavailableReason();
        if (unavailable.isPresent()) {
            fail("real-nodes e2e cannot run here: " + unavailable.get());
        }
        kernels = HostKernels.discover(RepoFiles.root()).orElseThrow();
        long start = System.nanoTime();
        // node-c (no headers) joins after the shared scenarios, which expect every node verified.
        cluster = RealNodesCluster.start(RepoFiles.root().resolve("e2e/target/real-nodes"), List.of(NODE_A, NODE_B));
        sample = new SampleOnNodes(cluster, Duration.ofSeconds(2));
        System.out.printf("real-nodes e2e: cluster up in %.1f s%n", (System.nanoTime() - start) / 1e9);
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

    /** The sample starts over on three nodes; the one without kernel headers names the package. */
    @Test
    @Order(10)
    void sampleOnThreeNodesIsDegradedByTheNodeWithoutHeaders() {
        sample.deleteIfPresent();
        cluster.join(NODE_C);
        cluster.apply(Sample.fromFile());

        ProcModule pm = cluster.await(
                Sample.NAME,
                settled(node -> node.getState() == NodeState.Verified, node -> node.getState() == NodeState.Failed),
                "node-a and node-b Verified, node-c Failed",
                cluster.rolloutTimeout());

        System.out.println("real-nodes e2e: kubectl get procmodules:\n" + cluster.kubectlGetProcModules());
        assertThat(pm.getStatus().getPhase()).isEqualTo(Phase.Degraded);
        assertThat(pm.getStatus().getReady()).isEqualTo("2/3");
        assertThat(nodeStatus(pm, NODE_A).getKernelRelease()).isEqualTo(kernels.debian61());
        assertThat(nodeStatus(pm, NODE_B).getKernelRelease()).isEqualTo(kernels.debian612());
        for (String node : List.of(NODE_A, NODE_B)) {
            assertThat(cluster.readProcEntry(node, ENTRY)).as(node).contains("Hello, World!\n");
        }
        NodeStatus c = nodeStatus(pm, NODE_C);
        assertThat(c.getReason()).isEqualTo("HeadersMissing");
        assertThat(c.getMessage()).contains("package linux-headers-" + kernels.debian61());
        assertThat(cluster.readProcEntry(NODE_C, ENTRY)).isEmpty();
    }

    /**
     * A message with {@code $$} and {@code $(PM_NODE_NAME)} rolls out to both healthy nodes and reads
     * back byte for byte: the real kubelet expands {@code $(VAR)} in env values and turns {@code $$}
     * into {@code $}, which the operator's escaping must undo. maxUnavailable 2: node-c never becomes
     * available, and with 1 the DaemonSet rollout would wait for it.
     */
    @Test
    @Order(11)
    void messageChangeWithDollarsRollsOutByteForByte() {
        ProcModule changed = Sample.fromFile();
        changed.getSpec().setMessage("Real nodes: $$ and $(PM_NODE_NAME) and $HOME and $$(PM_ENTRY_NAME) stay");
        changed.getSpec().getRollout().setMaxUnavailable(new IntOrString(2));
        long generation = cluster.apply(changed).getMetadata().getGeneration();

        cluster.await(
                Sample.NAME,
                settled(
                                node -> node.getState() == NodeState.Verified && "Replaced".equals(node.getReason()),
                                node -> node.getState() == NodeState.Failed)
                        .and(p -> Long.valueOf(generation).equals(p.getStatus().getObservedGeneration())),
                "node-a and node-b Verified after a reload (Replaced) at generation " + generation,
                cluster.rolloutTimeout());
        for (String node : List.of(NODE_A, NODE_B)) {
            assertThat(cluster.readProcEntry(node, ENTRY))
                    .as("/proc/%s on %s", ENTRY, node)
                    .contains(changed.getSpec().getMessage() + "\n");
        }
    }

    @Test
    @Order(12)
    void deletedAgentPodHitsTheCacheAndDoesNotReload() {
        sample.deletedAgentPodHitsTheCacheAndDoesNotReload();
    }

    /**
     * What the shipped securityContext gives the monitor, read from the kernel on the node: no
     * capability at all, no_new_privs, seccomp filtering, a read-only root. The build and load
     * containers already proved theirs by building and loading.
     */
    @Test
    @Order(13)
    void monitorRunsWithoutAnyPrivilege() {
        String pid = monitorPid(NODE_A);
        String status = cluster.nodeOutput(NODE_A, "cat", "/proc/" + pid + "/status");
        System.out.println("real-nodes e2e: the monitor's /proc/" + pid + "/status on node-a:\n" + status);
        assertThat(field(status, "CapEff")).isEqualTo("0000000000000000");
        assertThat(field(status, "CapPrm")).isEqualTo("0000000000000000");
        assertThat(field(status, "CapBnd")).isEqualTo("0000000000000000");
        assertThat(field(status, "NoNewPrivs")).isEqualTo("1");
        assertThat(field(status, "Seccomp")).isEqualTo("2");
        String rootMount = cluster.nodeOutput(
                        NODE_A, "sh", "-c", "awk '$5 == \"/\" { print $6 }' /proc/" + pid + "/mountinfo")
                .strip();
        assertThat(rootMount).as("mount options of the monitor's root").startsWith("ro");
    }

    /**
     * Entries the kubelet masks in unprivileged containers are refused by the API server: the first
     * run on real nodes let /proc/timer_stats through, and the monitor read "" from the /dev/null runc
     * binds over it (VerifyMismatch). The list the schema refuses is checked against this runtime:
     * every listed entry that exists on the node is a mount in the monitor's namespace, the sample's
     * entry is not.
     */
    @Test
    @Order(14)
    void entriesTheKubeletMasksAreRefusedUpFront() {
        String pid = monitorPid(NODE_A);
        Set<String> mountPoints = cluster.nodeOutput(NODE_A, "awk", "{ print $5 }", "/proc/" + pid + "/mountinfo")
                .lines()
                .collect(Collectors.toSet());
        List<String> present = cluster.nodeOutput(
                        NODE_A,
                        "sh",
                        "-c",
                        "for n in $0; do [ -e /proc/$n ] && echo /proc/$n; done; true",
                        ProcModuleSpec.MASKED_ENTRY_NAMES)
                .lines()
                .toList();
        System.out.println("real-nodes e2e: masked entries present on node-a: " + present);
        assertThat(present).isNotEmpty();
        assertThat(mountPoints).as("mount points of the monitor").containsAll(present);
        assertThat(mountPoints).doesNotContain("/proc/" + ENTRY);

        ProcModule masked = Sample.resource("masked-entry", "timer_stats", "masked by the runtime");
        assertThatThrownBy(() -> cluster.apply(masked)).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(422);
            assertThat(e.getMessage()).contains("masks in unprivileged containers");
        });
        assertThat(cluster.get("masked-entry")).isEmpty();
    }

    @Test
    @Order(15)
    void nodeRebootedIntoAnotherKernelIsRebuiltAndVerified() throws InterruptedException {
        sample.nodeRebootedIntoAnotherKernelIsRebuiltAndVerified(kernels.debian612(), cluster::reboot);
    }

    @Test
    @Order(16)
    void deletionUnloadsEverywhereThenReleasesTheResource() {
        sample.deletionUnloadsEverywhereThenReleasesTheResource();
    }

    /** The process ID, on the node, of the oldest agent monitor there. */
    private static String monitorPid(String node) {
        return cluster.nodeOutput(node, "sh", "-c", "pgrep -f -o 'procmodule-agent monitor'")
                .strip();
    }

    /** A "Name:\tvalue" field of /proc/PID/status. */
    private static String field(String status, String name) {
        return status.lines()
                .filter(l -> l.startsWith(name + ":"))
                .map(l -> l.substring(name.length() + 1).strip())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in /proc/PID/status"));
    }
}
