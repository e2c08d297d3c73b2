package io.procmodule.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.procmodule.e2e.cluster.ApiServerCluster;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.api.ModuleName;
import io.procmodule.operator.api.NodeState;
import io.procmodule.operator.api.NodeStatus;
import io.procmodule.operator.api.ProcModule;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * The sample on the three QEMU nodes both node suites run (node-a on 6.1, node-b on 6.12, node-c on 6.1
 * without kernel headers): its status per node, its agent pods, and what its module leaves in a node's
 * kernel; and the scenarios both suites run on them once node-c has joined.
 */
public final class SampleOnNodes {
    public static final String NODE_A = "node-a";
    public static final String NODE_B = "node-b";
    public static final String NODE_C = "node-c";

    private final ApiServerCluster cluster;
    private final Duration podPoll;

    /** How a suite's cluster power-cycles a node into a kernel: each kind of node is rebooted its own way. */
    @FunctionalInterface
    public interface Reboot {
        void reboot(String node, String kernel) throws InterruptedException;
    }

    /** {@code podPoll}: how often {@link #awaitPod} lists the pods, which the suites tune to their kubelet. */
    public SampleOnNodes(ApiServerCluster cluster, Duration podPoll) {
        this.cluster = cluster;
        this.podPoll = podPoll;
    }

    /** Every listed node settled: node-c failed, the others healthy by {@code healthy}. */
    public static Predicate<ProcModule> settled(Predicate<NodeStatus> healthy, Predicate<NodeStatus> failed) {
        return pm -> pm.getStatus() != null
                && pm.getStatus().getNodes().size() == 3
                && pm.getStatus().getNodes().stream()
                        .allMatch(n -> NODE_C.equals(n.getNodeName()) ? failed.test(n) : healthy.test(n));
    }

    public static NodeStatus nodeStatus(ProcModule pm, String node) {
        return pm.getStatus().getNodes().stream()
                .filter(n -> node.equals(n.getNodeName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        node + " not in status.nodes: " + pm.getStatus().getNodes()));
    }

    public static boolean containerReady(Pod pod, String container) {
        return pod.getStatus().getContainerStatuses().stream()
                .anyMatch(s -> container.equals(s.getName()) && Boolean.TRUE.equals(s.getReady()));
    }

    /** The termination message of an init container's last completed run ("" if none). */
    public static String terminationMessage(Pod pod, String container) {
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

    /** Deletes the sample, if there, and waits for its finalizer to let it go: the next scenario starts over. */
    public void deleteIfPresent() {
        if (cluster.get(Sample.NAME).isPresent()) {
            cluster.delete(Sample.NAME);
            cluster.awaitDeleted(Sample.NAME, cluster.rolloutTimeout());
        }
    }

    /** The sample's agent pod on {@code node} (the DaemonSet controller names it), unless being deleted. */
    public Optional<Pod> agentPod(String node) {
        return cluster
                .client()
                .pods()
                .inNamespace(ApiServerCluster.OPERATOR_NAMESPACE)
                .withLabel(AgentLabels.INSTANCE, Sample.NAME)
                .withLabel(AgentLabels.COMPONENT, AgentLabels.COMPONENT_AGENT)
                .withField("spec.nodeName", node)
                .list()
                .getItems()
                .stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .findFirst();
    }

    public Pod awaitPod(String node, Predicate<Pod> condition, String description) {
        return Awaitility.await(description)
                .atMost(cluster.rolloutTimeout())
                .pollInterval(podPoll)
                .until(
                        () -> agentPod(node).filter(p -> p.getStatus() != null && condition.test(p)),
                        Optional::isPresent)
                .orElseThrow();
    }

    /** How often the module was loaded since boot: its "created" lines in the node's kernel log. */
    public long moduleLoads(String node) {
        return cluster.nodeOutput(node, "dmesg")
                .lines()
                .filter(l -> l.contains("created /proc/" + Sample.ENTRY))
                .count();
    }

    /** What identifies one load of the module: its state, reference count and section addresses. */
    public String moduleSysfs(String node) {
        return cluster.nodeOutput(
                node,
                "sh",
                "-c",
                "cd /sys/module/" + ModuleName.forEntry(Sample.ENTRY)
                        + " && cat initstate refcnt sections/.text sections/.data");
    }

    /** A new agent pod on node-a finds its build in the cache and adopts the loaded module. */
    public void deletedAgentPodHitsTheCacheAndDoesNotReload() {
        long loadsBefore = moduleLoads(NODE_A);
        String sysfsBefore = moduleSysfs(NODE_A);
        Pod old = agentPod(NODE_A).orElseThrow();

        cluster.client().resource(old).delete();
        Pod restarted = awaitPod(
                NODE_A,
                p -> !p.getMetadata().getUid().equals(old.getMetadata().getUid()) && containerReady(p, "monitor"),
                "a new, ready agent pod on node-a");

        assertThat(terminationMessage(restarted, "build")).startsWith("CacheHit\n");
        assertThat(terminationMessage(restarted, "load")).startsWith("Adopted\n");
        assertThat(moduleLoads(NODE_A))
                .as("module loads in node-a's kernel log")
                .isEqualTo(loadsBefore);
        assertThat(moduleSysfs(NODE_A)).as("/sys/module/hello_proc on node-a").isEqualTo(sysfsBefore);
    }

    /**
     * node-a moves to {@code newKernel}: the agent rebuilds for it and the status shows the new release
     * (node-c still failed: 2/3).
     */
    public void nodeRebootedIntoAnotherKernelIsRebuiltAndVerified(String newKernel, Reboot reboot)
            throws InterruptedException {
        reboot.reboot(NODE_A, newKernel);
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
        assertThat(cluster.readProcEntry(NODE_A, Sample.ENTRY))
                .contains(pm.getSpec().getMessage() + "\n");
    }

    /** Deletion unloads from every node that had the module, then the finalizer lets the object go. */
    public void deletionUnloadsEverywhereThenReleasesTheResource() {
        cluster.delete(Sample.NAME);
        cluster.awaitDeleted(Sample.NAME, cluster.rolloutTimeout());
        for (String node : List.of(NODE_A, NODE_B, NODE_C)) {
            assertThat(cluster.readProcEntry(node, Sample.ENTRY))
                    .as("/proc/%s on %s", Sample.ENTRY, node)
                    .isEmpty();
            assertThat(cluster.moduleLoaded(node, ModuleName.forEntry(Sample.ENTRY)))
                    .as("module on %s", node)
                    .isFalse();
        }
    }
}
