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
 * restarted operator neither repeats nor forgets them. Nodes beyond the listed cap are not compared
 * (a 5,000-node first rollout should not produce 5,000 events).
 */
public final class StatusEvents {
    private StatusEvents() {}

    public static List<ResourceEvent> between(ProcModuleStatus previous, ProcModuleStatus next) {
        List<ResourceEvent> events = new ArrayList<>();
        blockerEvent(previous, next).ifPresent(events::add);
        Map<String, NodeStatus> before = previous == null
                ? Map.of()
                : previous.getNodes().stream()
                        .collect(Collectors.toMap(NodeStatus::getNodeName, Function.identity(), (a, b) -> a));
        for (NodeStatus now : next.getNodes()) {
            NodeStatus then = before.get(now.getNodeName());
            if (now.getState() == NodeState.Verified && (then == null || then.getState() != NodeState.Verified)) {
                events.add(ResourceEvent.normal(
                        "NodeVerified",
                        "node " + now.getNodeName() + " (kernel " + now.getKernelRelease() + "): " + now.getReason()
                                + ", /proc entry verified"));
            }
            if (now.getState() == NodeState.Failed
                    && (then == null
                            || then.getState() != NodeState.Failed
                            || !Objects.equals(then.getReason(), now.getReason()))) {
                events.add(ResourceEvent.warning(
                        "NodeFailed",
                        "node " + now.getNodeName() + " (kernel " + now.getKernelRelease() + "): " + now.getReason()
                                + ": " + now.getMessage()));
            }
        }
        return events;
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
