package io.procmodule.operator.status;

import io.procmodule.operator.api.NodeState;
import io.procmodule.operator.api.NodeStatus;
import io.procmodule.operator.api.ProcModuleStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Events worth telling a user, derived from two consecutive statuses rather than from memory, so a
 * restarted operator neither repeats nor forgets them. Aggregated: one NodeVerified and one NodeFailed
 * event per status change at most, naming the first few nodes and counting the rest, so a rollout over
 * thousands of nodes costs a handful of events, not one per node. Nodes beyond the listed cap are not
 * compared.
 */
public final class StatusEvents {
    /** Nodes named in one aggregated event; the rest are counted. */
    static final int MAX_NAMED_NODES = 5;

    private StatusEvents() {}

    public static List<ResourceEvent> between(ProcModuleStatus previous, ProcModuleStatus next) {
        List<ResourceEvent> events = new ArrayList<>();
        blockerEvent(previous, next).ifPresent(events::add);
        Map<String, NodeStatus> before = previous == null
                ? Map.of()
                : previous.getNodes().stream()
                        .collect(Collectors.toMap(NodeStatus::getNodeName, Function.identity(), (a, b) -> a));
        List<NodeStatus> verified = new ArrayList<>();
        List<NodeStatus> failed = new ArrayList<>();
        for (NodeStatus now : next.getNodes()) {
            NodeStatus then = before.get(now.getNodeName());
            if (now.getState() == NodeState.Verified && (then == null || then.getState() != NodeState.Verified)) {
                verified.add(now);
            }
            if (now.getState() == NodeState.Failed
                    && (then == null
                            || then.getState() != NodeState.Failed
                            || !Objects.equals(then.getReason(), now.getReason()))) {
                failed.add(now);
            }
        }
        if (!verified.isEmpty()) {
            events.add(ResourceEvent.normal(
                    "NodeVerified", summary(verified, "verified", n -> n.getReason() + ", /proc entry verified")));
        }
        if (!failed.isEmpty()) {
            events.add(ResourceEvent.warning(
                    "NodeFailed", summary(failed, "failed", n -> n.getReason() + ": " + n.getMessage())));
        }
        return events;
    }

    /** "node a (kernel k): detail" for one node; "3 nodes verified: node a (kernel k): detail; ..." for more. */
    static String summary(List<NodeStatus> nodes, String verb, Function<NodeStatus, String> detail) {
        String named = nodes.stream()
                .limit(MAX_NAMED_NODES)
                .map(n -> "node " + n.getNodeName() + " (kernel " + n.getKernelRelease() + "): " + detail.apply(n))
                .collect(Collectors.joining("; "));
        if (nodes.size() == 1) {
            return named;
        }
        int more = nodes.size() - Math.min(MAX_NAMED_NODES, nodes.size());
        return nodes.size() + " nodes " + verb + ": " + named + (more > 0 ? "; and " + more + " more" : "");
    }

    private static Optional<ResourceEvent> blockerEvent(ProcModuleStatus previous, ProcModuleStatus next) {
        return next.condition(ProcModuleStatus.CONDITION_DEGRADED)
                .filter(c ->
                        Mode.Blocked.INVALID_SPEC.equals(c.getReason()) || Mode.Blocked.CONFLICT.equals(c.getReason()))
                .filter(c -> previous == null
                        || previous.condition(ProcModuleStatus.CONDITION_DEGRADED)
                                .map(p -> !Objects.equals(p.getReason(), c.getReason())
                                        || !Objects.equals(p.getMessage(), c.getMessage()))
                                .orElse(true))
                .map(c -> ResourceEvent.warning(c.getReason(), c.getMessage()));
    }
}
