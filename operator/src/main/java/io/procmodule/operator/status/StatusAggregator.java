package io.procmodule.operator.status;

import static io.procmodule.operator.api.ProcModuleStatus.CONDITION_DEGRADED;
import static io.procmodule.operator.api.ProcModuleStatus.CONDITION_PROGRESSING;
import static io.procmodule.operator.api.ProcModuleStatus.CONDITION_READY;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.procmodule.operator.api.KernelSummary;
import io.procmodule.operator.api.NodeState;
import io.procmodule.operator.api.NodeStatus;
import io.procmodule.operator.api.Phase;
import io.procmodule.operator.api.ProcModuleStatus;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.stream.Collectors;

/** Pure: (observed cluster state, previous status, now) to the status the resource should show. */
public final class StatusAggregator {
    /** Keeps status far below etcd's object size limit at thousands of nodes. */
    public static final int MAX_LISTED_NODES = 64;

    public static final int MAX_LISTED_KERNELS = 32;
    public static final int MAX_MESSAGE_LENGTH = 256;
    static final int MAX_NAMED_FAILURES = 3;
    static final String UNKNOWN_KERNEL = "unknown";
    static final String NO_MATCHING_NODES = "NoMatchingNodes";
    private static final String NO_MATCHING_NODES_MESSAGE =
            "no node matches the nodeSelector and tolerations: nothing is loaded anywhere";
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    /** Unhealthy first, so a capped list still shows what needs attention. */
    private static final List<NodeState> LISTING_ORDER = List.of(
            NodeState.Failed,
            NodeState.Unloading,
            NodeState.Building,
            NodeState.Loading,
            NodeState.Verifying,
            NodeState.Pending,
            NodeState.Unloaded,
            NodeState.Verified);

    private StatusAggregator() {}

    public static ProcModuleStatus aggregate(StatusInput in) {
        String now = DateTimeFormatter.ISO_INSTANT.format(in.now().truncatedTo(ChronoUnit.SECONDS));
        Map<String, NodeStatus> previousNodes = in.resource().previous() == null
                ? Map.of()
                : in.resource().previous().getNodes().stream()
                        .collect(Collectors.toMap(NodeStatus::getNodeName, n -> n, (a, b) -> a));

        List<Node> desiredNodes =
                in.mode() instanceof Mode.Applying ? in.agents().desiredNodes() : List.of();
        Readings desired = new Readings();
        Map<String, Pod> agentPods = newestByNode(in.agents().pods());
        AgentReadings agentReadings = in.agents().readings();
        agentReadings.begin(in.agents().configHash());
        for (Node node : desiredNodes) {
            Pod pod = agentPods.get(name(node));
            NodeReading reading = pod == null
                    ? new NodeReading(NodeState.Pending, "NoPod", "waiting for the DaemonSet to start an agent pod")
                    : agentReadings.of(pod);
            NodeStatus before = previousNodes.get(name(node));
            // A real kubelet forgets a crash-looping init container's failure while it retries it:
            // without this the node (and the NodeFailed event) would flap on every retry.
            if (before != null
                    && before.getState() == NodeState.Failed
                    && reading.state() != NodeState.Verified
                    && PodReadings.retryingAfterForgottenFailure(
                            pod, in.agents().configHash())) {
                reading = new NodeReading(NodeState.Failed, before.getReason(), before.getMessage());
            }
            desired.add(node, reading);
        }
        Map<String, Pod> unloadPods = newestByNode(in.unloads().pods());
        Readings unloading = new Readings();
        for (Node node : in.unloads().nodes()) {
            Pod pod = unloadPods.get(name(node));
            unloading.add(
                    node,
                    pod == null
                            ? new NodeReading(NodeState.Unloading, "Unloading", "creating the unload pod")
                            : PodReadings.unload(pod));
        }

        ProcModuleStatus s = new ProcModuleStatus();
        s.setObservedGeneration(in.resource().generation());
        s.setEntryName(in.resource().entryName());
        s.setModuleName(in.resource().moduleName());
        int desiredCount = desiredNodes.size();
        int verified = desired.count(NodeState.Verified);
        int failed = desired.count(NodeState.Failed);
        s.setDesiredNodes(desiredCount);
        s.setVerifiedNodes(verified);
        s.setFailedNodes(failed);
        s.setUnloadingNodes(unloading.count(NodeState.Unloading));
        s.setReady(verified + "/" + desiredCount);
        s.setNodes(listed(desired, unloading, previousNodes, now));
        s.setUnlistedNodes(desired.size() + unloading.size() - s.getNodes().size());
        s.setKernels(desired.kernels());

        setPhaseAndConditions(s, in, desired, now);
        return s;
    }

    private static final Comparator<Read> READ_BY_NAME = Comparator.comparing(Read::name);

    /** One node and what its pod says. */
    private record Read(Node node, NodeReading reading) {
        String name() {
            return StatusAggregator.name(node);
        }
    }

    /**
     * The readings of a set of nodes, by state. Entries for the status are built only for the nodes
     * it lists: at thousands of nodes, counting is all the others need.
     */
    private static final class Readings {
        private final Map<NodeState, List<Read>> byState = new EnumMap<>(NodeState.class);
        private final Map<String, KernelSummary> kernels = new HashMap<>();
        private int size;

        void add(Node node, NodeReading reading) {
            byState.computeIfAbsent(reading.state(), k -> new ArrayList<>()).add(new Read(node, reading));
            KernelSummary k = kernels.computeIfAbsent(
                    Optional.ofNullable(kernel(node)).orElse(UNKNOWN_KERNEL),
                    release -> new KernelSummary(release, 0, 0, 0));
            k.setNodes(k.getNodes() + 1);
            if (reading.state() == NodeState.Verified) {
                k.setVerified(k.getVerified() + 1);
            } else if (reading.state() == NodeState.Failed) {
                k.setFailed(k.getFailed() + 1);
            }
            size++;
        }

        int size() {
            return size;
        }

        int count(NodeState state) {
            List<Read> reads = byState.get(state);
            return reads == null ? 0 : reads.size();
        }

        /** The first {@code limit} reads of a state by node name, in that order. */
        List<Read> firstByName(NodeState state, int limit) {
            List<Read> reads = byState.get(state);
            return reads == null ? List.of() : smallestByName(reads, limit);
        }

        List<KernelSummary> kernels() {
            return kernels.values().stream()
                    .sorted(Comparator.comparing(KernelSummary::getNodes)
                            .reversed()
                            .thenComparing(KernelSummary::getKernelRelease))
                    .limit(MAX_LISTED_KERNELS)
                    .toList();
        }
    }

    /** The first {@link #MAX_LISTED_NODES} of both sets in listing order: by state, then by name. */
    private static List<NodeStatus> listed(
            Readings desired, Readings unloading, Map<String, NodeStatus> previous, String now) {
        List<NodeStatus> listed = new ArrayList<>(MAX_LISTED_NODES);
        for (NodeState state : LISTING_ORDER) {
            int room = MAX_LISTED_NODES - listed.size();
            List<Read> reads = new ArrayList<>(desired.firstByName(state, room));
            reads.addAll(unloading.firstByName(state, room));
            for (Read r : smallestByName(reads, room)) {
                listed.add(entry(r.node(), r.reading(), previous, now));
            }
        }
        return listed;
    }

    /**
     * The {@code limit} reads with the smallest node names, sorted: one pass with a bounded heap, since
     * a status lists at most {@link #MAX_LISTED_NODES} of thousands (nodes arrive in no order).
     */
    private static List<Read> smallestByName(Collection<Read> reads, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        PriorityQueue<Read> largestFirst = new PriorityQueue<>(limit, READ_BY_NAME.reversed());
        for (Read r : reads) {
            if (largestFirst.size() < limit) {
                largestFirst.add(r);
            } else if (READ_BY_NAME.compare(r, largestFirst.peek()) < 0) {
                largestFirst.poll();
                largestFirst.add(r);
            }
        }
        List<Read> smallest = new ArrayList<>(largestFirst);
        smallest.sort(READ_BY_NAME);
        return smallest;
    }

    /**
     * The previous status with Degraded=True naming the refused call; the next successful reconcile
     * recomputes every condition and so clears it.
     */
    public static ProcModuleStatus withApiError(
            ProcModuleStatus previous, ApiError error, long generation, Instant now) {
        ProcModuleStatus s = previous == null
                ? new ProcModuleStatus()
                : JSON.convertValue(JSON.convertValue(previous, JsonNode.class), ProcModuleStatus.class);
        String time = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
        List<Condition> conditions = new ArrayList<>(s.getConditions() == null ? List.of() : s.getConditions());
        conditions.removeIf(c -> CONDITION_DEGRADED.equals(c.getType()));
        conditions.add(
                Conditions.of(previous, CONDITION_DEGRADED, true, ApiError.REASON, error.message(), generation, time));
        s.setConditions(conditions);
        return s;
    }

    /** Nothing to write when this is true (compared as JSON, as the API server would store them). */
    public static boolean same(ProcModuleStatus a, ProcModuleStatus b) {
        return Objects.equals(JSON.convertValue(a, JsonNode.class), JSON.convertValue(b, JsonNode.class));
    }

    private static void setPhaseAndConditions(ProcModuleStatus s, StatusInput in, Readings desired, String now) {
        ProcModuleStatus prev = in.resource().previous();
        long gen = in.resource().generation();
        List<Condition> conditions = new ArrayList<>();
        if (in.mode() instanceof Mode.Blocked b) {
            s.setPhase(Phase.Failed);
            conditions.add(Conditions.of(prev, CONDITION_READY, false, b.reason(), b.message(), gen, now));
            conditions.add(Conditions.of(
                    prev,
                    CONDITION_PROGRESSING,
                    s.getUnloadingNodes() > 0,
                    s.getUnloadingNodes() > 0 ? "Unloading" : b.reason(),
                    progressMessage(s, b.message()),
                    gen,
                    now));
            conditions.add(Conditions.of(prev, CONDITION_DEGRADED, true, b.reason(), b.message(), gen, now));
        } else if (in.mode() instanceof Mode.Deleting) {
            s.setPhase(Phase.Deleting);
            conditions.add(
                    Conditions.of(prev, CONDITION_READY, false, "Deleting", "the resource is being deleted", gen, now));
            conditions.add(Conditions.of(
                    prev,
                    CONDITION_PROGRESSING,
                    s.getUnloadingNodes() > 0,
                    "Unloading",
                    s.getUnloadingNodes() + " node(s) still to unload",
                    gen,
                    now));
            conditions.add(Conditions.of(
                    prev, CONDITION_DEGRADED, false, "Deleting", "the resource is being deleted", gen, now));
        } else {
            int desiredCount = s.getDesiredNodes();
            int inProgress = desiredCount - s.getVerifiedNodes() - s.getFailedNodes();
            boolean noNodes = desiredCount == 0;
            boolean ready = !noNodes && s.getVerifiedNodes() == desiredCount;
            String verifiedText = s.getVerifiedNodes() + "/" + desiredCount + " nodes verified"
                    + (s.getFailedNodes() > 0 ? ", " + s.getFailedNodes() + " failed" : "");
            conditions.add(Conditions.of(
                    prev,
                    CONDITION_READY,
                    ready,
                    noNodes ? NO_MATCHING_NODES : ready ? "AllNodesVerified" : "NodesNotVerified",
                    noNodes ? NO_MATCHING_NODES_MESSAGE : verifiedText,
                    gen,
                    now));
            boolean progressing = inProgress > 0 || s.getUnloadingNodes() > 0;
            conditions.add(Conditions.of(
                    prev,
                    CONDITION_PROGRESSING,
                    progressing,
                    inProgress > 0
                            ? "RollingOut"
                            : s.getUnloadingNodes() > 0
                                    ? "Unloading"
                                    : s.getFailedNodes() > 0
                                            ? "Stalled"
                                            : noNodes ? NO_MATCHING_NODES : "RolloutComplete",
                    progressMessage(
                            s,
                            inProgress > 0
                                    ? inProgress + " node(s) pending, building, loading or verifying"
                                    : s.getFailedNodes() > 0
                                            ? "nothing in progress; failed nodes wait for a fix (see Degraded)"
                                            : noNodes ? NO_MATCHING_NODES_MESSAGE : "every selected node is verified"),
                    gen,
                    now));
            conditions.add(Conditions.of(
                    prev,
                    CONDITION_DEGRADED,
                    s.getFailedNodes() > 0,
                    s.getFailedNodes() > 0 ? "NodesFailed" : "NoFailures",
                    failureMessage(s, desired),
                    gen,
                    now));
            s.setPhase(
                    s.getFailedNodes() > 0
                            ? Phase.Degraded
                            : s.getUnloadingNodes() > 0
                                    ? Phase.Progressing
                                    : noNodes ? Phase.NoMatchingNodes : ready ? Phase.Ready : Phase.Progressing);
        }
        s.setConditions(conditions);
    }

    private static String progressMessage(ProcModuleStatus s, String main) {
        return s.getUnloadingNodes() > 0 ? main + "; " + s.getUnloadingNodes() + " node(s) unloading" : main;
    }

    private static String failureMessage(ProcModuleStatus s, Readings desired) {
        if (s.getFailedNodes() == 0) {
            return "no node failed";
        }
        String named = desired.firstByName(NodeState.Failed, MAX_NAMED_FAILURES).stream()
                .map(r -> r.name() + " (" + r.reading().reason() + ")")
                .collect(Collectors.joining(", "));
        int more = s.getFailedNodes() - Math.min(MAX_NAMED_FAILURES, s.getFailedNodes());
        return s.getFailedNodes() + " node(s) failed: " + named + (more > 0 ? " and " + more + " more" : "");
    }

    private static NodeStatus entry(Node node, NodeReading r, Map<String, NodeStatus> previous, String now) {
        String since = Optional.ofNullable(previous.get(name(node)))
                .filter(p -> p.getState() == r.state())
                .map(NodeStatus::getLastTransitionTime)
                .orElse(now);
        return new NodeStatus(name(node), kernel(node), r.state(), r.reason(), truncate(r.message()), since);
    }

    /** A replaced pod may linger while terminating: the one that is not being deleted, newest first, counts. */
    static Map<String, Pod> newestByNode(Collection<Pod> pods) {
        Comparator<Pod> preference = Comparator.comparing(
                        (Pod p) -> p.getMetadata().getDeletionTimestamp() == null)
                .thenComparing(p -> Optional.ofNullable(p.getMetadata().getCreationTimestamp())
                        .orElse(""));
        Map<String, Pod> byNode = new HashMap<>();
        pods.stream()
                .filter(p -> p.getSpec() != null && p.getSpec().getNodeName() != null)
                .forEach(p ->
                        byNode.merge(p.getSpec().getNodeName(), p, (a, b) -> preference.compare(a, b) >= 0 ? a : b));
        return byNode;
    }

    private static String name(Node node) {
        return node.getMetadata().getName();
    }

    static String kernel(Node node) {
        return node.getStatus() == null || node.getStatus().getNodeInfo() == null
                ? null
                : node.getStatus().getNodeInfo().getKernelVersion();
    }

    static String truncate(String message) {
        if (message == null || message.length() <= MAX_MESSAGE_LENGTH) {
            return message;
        }
        return message.substring(0, MAX_MESSAGE_LENGTH - 3) + "...";
    }
}
