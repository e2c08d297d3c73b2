package io.procmodule.operator.reconciler;

import static io.procmodule.operator.testing.TestNodes.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.procmodule.operator.status.Mode;
import io.procmodule.operator.testing.PodStatuses;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodePlanTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final Duration TIMEOUT = Duration.ofMinutes(5);
    static final String LABEL = "procmodule.io/hello";

    static Node labelled(String name) {
        return node(name, "6.1", Map.of(LABEL, "hello_proc"), List.of());
    }

    static Pod pod(String node, PodStatus status, Instant created) {
        return new PodBuilder()
                .withNewMetadata()
                .withName("p-" + node)
                .withNamespace("ns")
                .withCreationTimestamp(created.toString())
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .endSpec()
                .withStatus(status)
                .build();
    }

    @Test
    void labelsEveryDesiredNodeBeforeAnAgentRunsThere() {
        Node a = node("a", "6.1");
        Node b = labelled("b");
        Node c = node("c", "6.1");
        NodePlan plan = NodePlan.decide(new NodePlan.Input(
                "hello",
                Mode.APPLYING,
                List.of(a, b, c),
                new ClusterSnapshot(List.of(a, b, c), List.of(pod("a", null, NOW), pod("b", null, NOW)), List.of()),
                NOW,
                TIMEOUT));
        assertThat(plan.toLabel()).containsExactly("a", "c");
        assertThat(plan.unloadNodes()).isEmpty();
        assertThat(plan.nothingToUnload()).isTrue();
    }

    @Test
    void labelledNodeOutsideTheSelectionGetsAnUnloadPod() {
        Node a = labelled("a");
        Node b = labelled("b");
        NodePlan plan = NodePlan.decide(new NodePlan.Input(
                "hello",
                Mode.APPLYING,
                List.of(a),
                new ClusterSnapshot(List.of(a, b), List.of(), List.of()),
                NOW,
                TIMEOUT));
        assertThat(plan.unloadNodes())
                .extracting(n -> n.getMetadata().getName())
                .containsExactly("b");
        assertThat(plan.createUnloadPodOn()).containsExactly("b");
        assertThat(plan.nothingToUnload()).isFalse();
    }

    @Test
    void deletingUnloadsEveryLabelledNodeAndConfirmsSucceededPods() {
        Node a = labelled("a");
        Node b = labelled("b");
        Node c = labelled("c");
        Pod done = pod("a", PodStatuses.unloadSucceeded("Unloaded"), NOW.minusSeconds(10));
        Pod running = pod("b", PodStatuses.unloadRunning(), NOW.minusSeconds(10));
        Pod old = pod("c", PodStatuses.unloadFailing("UnloadFailed", "in use"), NOW.minusSeconds(10));
        Instant overdue = NOW.minus(TIMEOUT).minusSeconds(1);
        NodePlan plan = NodePlan.decide(new NodePlan.Input(
                "hello",
                Mode.DELETING,
                List.of(a, b, c),
                new ClusterSnapshot(
                        List.of(a, b, c),
                        List.of(),
                        List.of(done, running, old),
                        Map.of("a", overdue, "b", NOW.minusSeconds(10), "c", overdue)),
                NOW,
                TIMEOUT));
        assertThat(plan.toLabel()).isEmpty();
        assertThat(plan.createUnloadPodOn()).isEmpty();
        assertThat(plan.confirmed()).as("a success counts even when late").containsExactly(done);
        assertThat(plan.abandoned()).containsExactly(new NodePlan.Abandoned("c", old, overdue));
        assertThat(plan.stale()).isEmpty();
    }

    @Test
    void abandonmentIsTimedPerNodeFromTheOperatorsFirstObservation() {
        Node a = labelled("a");
        Node b = labelled("b");
        Node c = labelled("c");
        Instant overdue = NOW.minus(TIMEOUT).minusSeconds(1);
        // b's pod carries an API-server timestamp an hour behind the operator's clock (skew): only the
        // operator's own observation counts. c's pod could never be created (403/422): its clock runs.
        Pod skewed = pod("b", PodStatuses.unloadRunning(), NOW.minusSeconds(3600));
        NodePlan plan = NodePlan.decide(new NodePlan.Input(
                "hello",
                Mode.DELETING,
                List.of(),
                new ClusterSnapshot(
                        List.of(a, b, c), List.of(), List.of(skewed), Map.of("b", NOW.minusSeconds(30), "c", overdue)),
                NOW,
                TIMEOUT));
        assertThat(plan.abandoned()).containsExactly(new NodePlan.Abandoned("c", null, overdue));
        assertThat(plan.createUnloadPodOn())
                .as("a: first seen now; c: given up, no more attempts")
                .containsExactly("a");
        assertThat(plan.unloadNodes()).hasSize(3);
    }

    @Test
    void unloadPodsOfUnlabelledOrVanishedNodesAreStale() {
        Node a = node("a", "6.1");
        Pod finished = pod("a", PodStatuses.unloadSucceeded("Unloaded"), NOW);
        Pod orphan = pod("gone", PodStatuses.unloadRunning(), NOW);
        NodePlan plan = NodePlan.decide(new NodePlan.Input(
                "hello",
                Mode.DELETING,
                List.of(),
                new ClusterSnapshot(List.of(a), List.of(pod("a", null, NOW)), List.of(finished, orphan)),
                NOW,
                TIMEOUT));
        assertThat(plan.unloadNodes())
                .as("agent pods alone never start an unload")
                .isEmpty();
        assertThat(plan.stale()).containsExactly(finished, orphan);
        assertThat(plan.nothingToUnload()).isTrue();
    }

    @Test
    void blockedResourceTouchesNoNode() {
        Node a = labelled("a");
        NodePlan plan = NodePlan.decide(new NodePlan.Input(
                "hello",
                Mode.Blocked.conflict("another ProcModule owns the entry"),
                List.of(),
                new ClusterSnapshot(List.of(a), List.of(pod("a", null, NOW)), List.of()),
                NOW,
                TIMEOUT));
        assertThat(plan).isEqualTo(NodePlan.NONE);
    }
}
