package io.procmodule.operator.reconciler;

import static io.procmodule.operator.reconciler.ConflictsTest.pm;
import static io.procmodule.operator.testing.TestNodes.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.procmodule.operator.OperatorConfig;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;
import io.procmodule.operator.status.Mode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecisionTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final OperatorConfig CONFIG = OperatorConfig.defaults();
    static final List<Node> NODES = List.of(node("a", "6.1"), node("b", "6.12"));

    static ClusterSnapshot observed() {
        return new ClusterSnapshot(NodeView.of(NODES, List.of()), List.of(), Map.of());
    }

    @Test
    void validUnconflictedResourceAppliesToTheSelectedNodes() {
        ProcModule pm = pm("hello", "2026-01-01T00:00:00Z", "hello_world", Map.of());
        Decision d = Decision.forSpec(pm, List.of(pm), observed(), CONFIG, NOW);
        assertThat(d.mode()).isEqualTo(Mode.APPLYING);
        assertThat(d.desiredNodes()).extracting(n -> n.getMetadata().getName()).containsExactlyInAnyOrder("a", "b");
        assertThat(d.agents().size()).as("one reading per selected node").isEqualTo(2);
        assertThat(d.plan().toLabel()).containsExactly("a", "b");
        assertThat(d.agent().entryName()).isEqualTo("hello_world");
        assertThat(d.needsRecheck()).isFalse();
    }

    @Test
    void invalidSpecBlocksWithTheViolationsAndSelectsNoNode() {
        ProcModule pm = pm("bad", "2026-01-01T00:00:00Z", "..", Map.of());
        Decision d = Decision.forSpec(pm, List.of(pm), observed(), CONFIG, NOW);
        assertThat(d.mode()).isInstanceOfSatisfying(Mode.Blocked.class, b -> {
            assertThat(b.reason()).isEqualTo(Mode.Blocked.INVALID_SPEC);
            assertThat(b.message()).contains("entryName");
        });
        assertThat(d.desiredNodes()).isEmpty();
        assertThat(d.plan()).isEqualTo(NodePlan.NONE);
        assertThat(d.needsRecheck())
                .as("an invalid spec changes only by an edit, which is an event")
                .isFalse();
    }

    @Test
    void conflictBlocksAndIsLookedAtAgain() {
        ProcModule old = pm("old", "2026-01-01T00:00:00Z", "hello_world", Map.of());
        ProcModule young = pm("young", "2026-01-02T00:00:00Z", "hello_world", Map.of());
        Decision d = Decision.forSpec(young, List.of(old, young), observed(), CONFIG, NOW);
        assertThat(d.mode()).isInstanceOfSatisfying(Mode.Blocked.class, b -> {
            assertThat(b.reason()).isEqualTo(Mode.Blocked.CONFLICT);
            assertThat(b.message()).startsWith("ProcModule old already loads module hello_proc");
        });
        assertThat(d.needsRecheck()).isTrue();
    }

    @Test
    void deletionUnloadsWithTheAppliedEntryNotALaterEdit() {
        ProcModule pm = pm("hello", "2026-01-01T00:00:00Z", "edited", Map.of());
        ProcModuleStatus status = new ProcModuleStatus();
        status.setEntryName("hello_world");
        pm.setStatus(status);
        Decision d = Decision.forDeletion(pm, observed(), CONFIG, NOW);
        assertThat(d.mode()).isEqualTo(Mode.DELETING);
        assertThat(d.agent().entryName()).isEqualTo("hello_world");
        assertThat(d.agent().moduleName()).isEqualTo("hello_proc");
        assertThat(d.desiredNodes()).isEmpty();
    }
}
