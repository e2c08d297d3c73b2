package io.procmodule.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.procmodule.operator.api.NodeState;
import io.procmodule.operator.api.NodeStatus;
import io.procmodule.operator.api.ProcModuleStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusEventsTest {
    static ProcModuleStatus status(NodeStatus... nodes) {
        ProcModuleStatus s = new ProcModuleStatus();
        s.setNodes(List.of(nodes));
        return s;
    }

    static NodeStatus node(String name, NodeState state, String reason) {
        return new NodeStatus(name, "6.1", state, reason, "msg", "t");
    }

    @Test
    void verifiedAndFailedTransitionsBecomeEventsOnce() {
        ProcModuleStatus before = status(
                node("a", NodeState.Loading, "Loading"),
                node("b", NodeState.Building, "B"),
                node("c", NodeState.Verified, "Loaded"));
        ProcModuleStatus after = status(
                node("a", NodeState.Verified, "Loaded"),
                node("b", NodeState.Failed, "HeadersMissing"),
                node("c", NodeState.Verified, "Loaded"));
        List<ResourceEvent> events = StatusEvents.between(before, after);
        assertThat(events)
                .extracting(ResourceEvent::type, ResourceEvent::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Normal", "NodeVerified"),
                        org.assertj.core.groups.Tuple.tuple("Warning", "NodeFailed"));
        assertThat(events.get(1).message()).contains("node b").contains("HeadersMissing");
        assertThat(StatusEvents.between(after, after)).isEmpty();
        assertThat(StatusEvents.between(after, status(node("b", NodeState.Failed, "BuildFailed"))))
                .extracting(ResourceEvent::reason)
                .containsExactly("NodeFailed");
    }

    @Test
    void blockersAreReportedWhenTheyAppearOrChange() {
        ProcModuleStatus blocked = status();
        Condition c = new Condition();
        c.setType("Degraded");
        c.setReason("InvalidSpec");
        c.setMessage("spec.message is bad");
        blocked.setConditions(List.of(c));
        assertThat(StatusEvents.between(null, blocked))
                .extracting(ResourceEvent::reason)
                .containsExactly("InvalidSpec");
        assertThat(StatusEvents.between(blocked, blocked)).isEmpty();
    }
}
