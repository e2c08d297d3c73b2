package io.procmodule.operator.reconciler;

import static io.procmodule.operator.testing.TestNodes.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.procmodule.operator.api.ProcModule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConflictsTest {
    static final List<Node> NODES =
            List.of(node("a", "6.1", Map.of("pool", "x"), List.of()), node("b", "6.1", Map.of("pool", "y"), List.of()));

    static ProcModule pm(String name, String created, String entry, Map<String, String> selector) {
        ProcModule pm = new ProcModule();
        pm.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withCreationTimestamp(created)
                .build());
        pm.getSpec().setEntryName(entry);
        pm.getSpec().setNodeSelector(selector);
        return pm;
    }

    @Test
    void olderResourceWithTheSameModuleOnASharedNodeWins() {
        ProcModule old = pm("old", "2026-01-01T00:00:00Z", "hello_world", Map.of());
        ProcModule young = pm("young", "2026-01-02T00:00:00Z", "hello_world", Map.of("pool", "x"));
        List<ProcModule> all = List.of(old, young);
        assertThat(Conflicts.olderOverlapping(young, all, NODES::stream)).contains(old);
        assertThat(Conflicts.olderOverlapping(old, all, NODES::stream)).isEmpty();
    }

    @Test
    void sameAgeFallsBackToTheName() {
        ProcModule a = pm("a", "2026-01-01T00:00:00Z", "e", Map.of());
        ProcModule b = pm("b", "2026-01-01T00:00:00Z", "e", Map.of());
        assertThat(Conflicts.olderOverlapping(b, List.of(a, b), NODES::stream)).contains(a);
        assertThat(Conflicts.olderOverlapping(a, List.of(a, b), NODES::stream)).isEmpty();
    }

    @Test
    void entriesMappingToOneModuleNameConflict() {
        ProcModule old = pm("old", "2026-01-01T00:00:00Z", "a.b", Map.of());
        ProcModule young = pm("young", "2026-01-02T00:00:00Z", "a-b", Map.of());
        assertThat(Conflicts.olderOverlapping(young, List.of(old, young), NODES::stream))
                .contains(old);
    }

    @Test
    void differentEntriesOrDisjointNodesOrInvalidOthersDoNotConflict() {
        ProcModule old = pm("old", "2026-01-01T00:00:00Z", "hello_world", Map.of("pool", "y"));
        ProcModule disjoint = pm("young", "2026-01-02T00:00:00Z", "hello_world", Map.of("pool", "x"));
        assertThat(Conflicts.olderOverlapping(disjoint, List.of(old, disjoint), NODES::stream))
                .isEmpty();
        ProcModule otherEntry = pm("other", "2026-01-02T00:00:00Z", "greeting", Map.of("pool", "y"));
        assertThat(Conflicts.olderOverlapping(otherEntry, List.of(old, otherEntry), NODES::stream))
                .isEmpty();
        ProcModule invalidOld = pm("invalid", "2026-01-01T00:00:00Z", "hello_world", Map.of());
        invalidOld.getSpec().setMessage("\"");
        ProcModule young = pm("young", "2026-01-02T00:00:00Z", "hello_world", Map.of());
        assertThat(Conflicts.olderOverlapping(young, List.of(invalidOld, young), NODES::stream))
                .isEmpty();
    }
}
