package io.procmodule.operator.reconciler;

import static io.procmodule.operator.testing.TestNodes.node;
import static io.procmodule.operator.testing.TestNodes.taint;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.api.ProcModule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeSelectionTest {
    static final List<Node> NODES = List.of(
            node("plain", "6.1"),
            node("gpu", "6.1", Map.of("gpu", "yes"), List.of()),
            node("tainted", "6.1", Map.of("gpu", "yes"), List.of(taint("dedicated", "ml", "NoSchedule"))),
            node("evicting", "6.1", Map.of(), List.of(taint("maintenance", null, "NoExecute"))),
            node("preferred", "6.1", Map.of(), List.of(taint("soft", "x", "PreferNoSchedule"))),
            node("cordoned", "6.1", Map.of(), List.of(taint("node.kubernetes.io/unschedulable", null, "NoSchedule"))),
            node("not-ready", "6.1", Map.of(), List.of(taint("node.kubernetes.io/not-ready", null, "NoExecute"))));

    static List<String> desired(Map<String, String> selector, List<Toleration> tolerations) {
        return NODES.stream()
                .filter(NodeSelection.selector(selector, tolerations, n -> false))
                .map(n -> n.getMetadata().getName())
                .toList();
    }

    @Test
    void withoutSelectorEveryUntaintedNodeAndTheDaemonSetToleratedOnes() {
        assertThat(desired(Map.of(), List.of()))
                .containsExactlyInAnyOrder("cordoned", "gpu", "not-ready", "plain", "preferred");
    }

    @Test
    void selectorMustMatchEveryLabel() {
        assertThat(desired(Map.of("gpu", "yes"), List.of())).containsExactly("gpu");
        assertThat(desired(Map.of("gpu", "no"), List.of())).isEmpty();
    }

    @Test
    void tolerationsOpenTaintedNodes() {
        Toleration equal = new TolerationBuilder()
                .withKey("dedicated")
                .withOperator("Equal")
                .withValue("ml")
                .withEffect("NoSchedule")
                .build();
        assertThat(desired(Map.of("gpu", "yes"), List.of(equal))).containsExactlyInAnyOrder("gpu", "tainted");
        Toleration wrongValue =
                new TolerationBuilder().withKey("dedicated").withValue("web").build();
        assertThat(desired(Map.of("gpu", "yes"), List.of(wrongValue))).containsExactly("gpu");
        Toleration wrongEffect = new TolerationBuilder()
                .withKey("dedicated")
                .withOperator("Exists")
                .withEffect("NoExecute")
                .build();
        assertThat(desired(Map.of("gpu", "yes"), List.of(wrongEffect))).containsExactly("gpu");
        Toleration everything = new TolerationBuilder().withOperator("Exists").build();
        assertThat(desired(Map.of(), List.of(everything))).hasSize(NODES.size());
        Toleration maintenance = new TolerationBuilder()
                .withKey("maintenance")
                .withOperator("Exists")
                .build();
        assertThat(desired(Map.of(), List.of(maintenance))).contains("evicting");
    }

    /** As the DaemonSet controller: NoSchedule keeps new pods off; only NoExecute ends a running one. */
    @Test
    void aNodeThatTurnsNotReadyKeepsTheModuleItAlreadyRuns() {
        String placed = AgentLabels.nodeLabel("hello-proc");
        List<Node> nodes = List.of(
                node(
                        "rebooting",
                        "6.1",
                        Map.of(placed, ""),
                        List.of(taint("node.kubernetes.io/not-ready", null, "NoSchedule"))),
                node("joining", "6.1", Map.of(), List.of(taint("node.kubernetes.io/not-ready", null, "NoSchedule"))),
                node("drained", "6.1", Map.of(placed, ""), List.of(taint("maintenance", null, "NoExecute"))));
        ProcModule pm = ConflictsTest.pm("hello-proc", "2026-11-25T12:00:00Z", "hello_world", Map.of());

        assertThat(NodeSelection.desired(pm, nodes.stream()))
                .extracting(n -> n.getMetadata().getName())
                .containsExactly("rebooting");
    }
}
