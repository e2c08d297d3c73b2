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
    void manyTransitionsInOneChangeBecomeOneEventPerKind() {
        NodeStatus[] building = new NodeStatus[12];
        NodeStatus[] done = new NodeStatus[12];
        for (int i = 0; i < 12; i++) {
            building[i] = node("n" + i, NodeState.Building, "Building");
            done[i] = i < 9
                    ? node("n" + i, NodeState.Verified, "Loaded")
                    : node("n" + i, NodeState.Failed, "HeadersMissing");
        }
        List<ResourceEvent> events = StatusEvents.between(status(building), status(done));
        assertThat(events).extracting(ResourceEvent::reason).containsExactly("NodeVerified", "NodeFailed");
        assertThat(events.get(0).message())
                .startsWith("9 nodes verified: node n0 (kernel 6.1): Loaded")
                .contains("node n4 ")
                .doesNotContain("node n5 ")
                .endsWith("; and 4 more");
        assertThat(events.get(1).message())
                .isEqualTo("3 nodes failed: node n9 (kernel 6.1): HeadersMissing: msg; "
                        + "node n10 (kernel 6.1): HeadersMissing: msg; node n11 (kernel 6.1): HeadersMissing: msg");
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
