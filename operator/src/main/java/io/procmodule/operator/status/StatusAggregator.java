package io.procmodule.operator.status;

import static io.procmodule.operator.api.ProcModuleStatus.CONDITION_DEGRADED;
import static io.procmodule.operator.api.ProcModuleStatus.CONDITION_PROGRESSING;
import static io.procmodule.operator.api.ProcModuleStatus.CONDITION_READY;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.procmodule.operator.api.NodeState;
import io.procmodule.operator.api.NodeStatus;
import io.procmodule.operator.api.Phase;
import io.procmodule.operator.api.ProcModuleStatus;
import io.procmodule.operator.status.NodeBoard.Slot;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
                : NodeBoard.byName(in.resource().previous().getNodes());
        NodeBoard desired = in.mode() instanceof Mode.Applying ? in.agents() : new NodeBoard();
        NodeBoard unloading = in.unloads();

        ProcModuleStatus s = new ProcModuleStatus();
        s.setObservedGeneration(in.resource().generation());
        s.setEntryName(in.resource().entryName());
        s.setModuleName(in.resource().moduleName());
        int desiredCount = desired.size();
        int verified = desired.count(NodeState.Verified);
        int failed = desired.count(NodeState.Failed);
        s.setDesiredNodes(desiredCount);
        s.setVerifiedNodes(verified);
        s.setFailedNodes(failed);
        s.setUnloadingNodes(unloading.count(NodeState.Unloading));
        s.setReady(verified + "/" + desiredCount);
        s.setNodes(listed(desired, unloading, previousNodes, now));
        s.setUnlistedNodes(desired.size() + unloading.size() - s.getNodes().size());
        s.setKernels(desired.kernels(MAX_LISTED_KERNELS));

        setPhaseAndConditions(s, in, desired, now);
        return s;
    }

    private static final Comparator<Slot> BY_NAME = Comparator.comparing(Slot::name);

    /** The first {@link #MAX_LISTED_NODES} of both sets in listing order: by state, then by name. */
    private static List<NodeStatus> listed(
            NodeBoard desired, NodeBoard unloading, Map<String, NodeStatus> previous, String now) {
        List<NodeStatus> listed = new ArrayList<>(MAX_LISTED_NODES);
        for (NodeState state : LISTING_ORDER) {
            int room = MAX_LISTED_NODES - listed.size();
            List<Slot> slots = new ArrayList<>(desired.firstByName(state, room));
            slots.addAll(unloading.firstByName(state, room));
            slots.sort(BY_NAME);
            for (Slot slot : slots.subList(0, Math.min(room, slots.size()))) {
                listed.add(entry(slot.node(), slot.reading(), previous, now));
            }
        }
        return listed;
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

    private static void setPhaseAndConditions(ProcModuleStatus s, StatusInput in, NodeBoard desired, String now) {
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

    private static String failureMessage(ProcModuleStatus s, NodeBoard desired) {
        if (s.getFailedNodes() == 0) {
            return "no node failed";
        }
        String named = desired.firstByName(NodeState.Failed, MAX_NAMED_FAILURES).stream()
                .map(slot -> slot.name() + " (" + slot.reading().reason() + ")")
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
