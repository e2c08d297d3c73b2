package io.procmodule.operator.reconciler;

import static io.procmodule.operator.testing.TestNodes.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.procmodule.operator.status.Mode;
import io.procmodule.operator.testing.PodStatuses;
import io.procmodule.operator.testing.TestPods;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class NodePlanTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final Duration TIMEOUT = Duration.ofMinutes(5);
    static final String LABEL = "procmodule.io/hello";

    static Node labelled(String name) {
        return node(name, "6.1", Map.of(LABEL, "hello_proc"), List.of());
    }

    static Pod pod(String node, PodStatus status, Instant created) {
        return TestPods.onNode("p-" + node, node, status)
                .editMetadata()
                .withCreationTimestamp(created.toString())
                .endMetadata()
                .build();
    }

    /** The plan's input with the label facts read from lists (what NodeView keeps up to date). */
    static NodePlan.Input input(
            Mode mode, List<Node> desired, List<Node> nodes, List<Pod> unloadPods, Map<String, Instant> since) {
        Set<String> desiredNames =
                desired.stream().map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
        List<Node> labelled = nodes.stream()
                .filter(n -> n.getMetadata().getLabels().containsKey(LABEL))
                .sorted(Comparator.comparing(n -> n.getMetadata().getName()))
                .toList();
        NodePlan.Labels labels = new NodePlan.Labels() {
            @Override
            public SortedSet<String> unlabelled() {
                return desired.stream()
                        .filter(n -> !n.getMetadata().getLabels().containsKey(LABEL))
                        .map(n -> n.getMetadata().getName())
                        .collect(Collectors.toCollection(TreeSet::new));
            }

            @Override
            public Collection<Node> labelledUnselected() {
                return labelled.stream()
                        .filter(n -> !desiredNames.contains(n.getMetadata().getName()))
                        .toList();
            }

            @Override
            public Collection<Node> labelled() {
                return labelled;
            }
        };
        return new NodePlan.Input(mode, labels, unloadPods, since, NOW, TIMEOUT);
    }

    @Test
    void labelsEveryDesiredNodeBeforeAnAgentRunsThere() {
        Node a = node("a", "6.1");
        Node b = labelled("b");
        Node c = node("c", "6.1");
        NodePlan plan = NodePlan.decide(input(Mode.APPLYING, List.of(a, b, c), List.of(a, b, c), List.of(), Map.of()));
        assertThat(plan.toLabel()).containsExactly("a", "c");
        assertThat(plan.unloadNodes()).isEmpty();
        assertThat(plan.nothingToUnload()).isTrue();
    }

    @Test
    void labelledNodeOutsideTheSelectionGetsAnUnloadPod() {
        Node a = labelled("a");
        Node b = labelled("b");
        NodePlan plan = NodePlan.decide(input(Mode.APPLYING, List.of(a), List.of(a, b), List.of(), Map.of()));
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
        NodePlan plan = NodePlan.decide(input(
                Mode.DELETING,
                List.of(a, b, c),
                List.of(a, b, c),
                List.of(done, running, old),
                Map.of("a", overdue, "b", NOW.minusSeconds(10), "c", overdue)));
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
        NodePlan plan = NodePlan.decide(input(
                Mode.DELETING,
                List.of(),
                List.of(a, b, c),
                List.of(skewed),
                Map.of("b", NOW.minusSeconds(30), "c", overdue)));
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
        NodePlan plan =
                NodePlan.decide(input(Mode.DELETING, List.of(), List.of(a), List.of(finished, orphan), Map.of()));
        assertThat(plan.unloadNodes())
                .as("agent pods alone never start an unload")
                .isEmpty();
        assertThat(plan.stale()).containsExactly(finished, orphan);
        assertThat(plan.nothingToUnload()).isTrue();
    }

    @Test
    void blockedResourceTouchesNoNode() {
        Node a = labelled("a");
        NodePlan plan = NodePlan.decide(input(
                Mode.Blocked.conflict("another ProcModule owns the entry"),
                List.of(),
                List.of(a),
                List.of(),
                Map.of()));
        assertThat(plan).isEqualTo(NodePlan.NONE);
    }
}
