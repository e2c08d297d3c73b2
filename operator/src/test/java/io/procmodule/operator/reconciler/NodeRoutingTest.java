package io.procmodule.operator.reconciler;

import static io.procmodule.operator.testing.TestNodes.node;
import static io.procmodule.operator.testing.TestNodes.taint;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.procmodule.operator.api.ProcModule;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeRoutingTest {
    final ProcModule all = ConflictsTest.pm("all", "2026-01-01T00:00:00Z", "a", Map.of());
    final ProcModule gpu = ConflictsTest.pm("gpu", "2026-01-01T00:00:00Z", "b", Map.of("pool", "gpu"));
    final ProcModule cpu = ConflictsTest.pm("cpu", "2026-01-01T00:00:00Z", "c", Map.of("pool", "cpu"));
    final List<ProcModule> resources = List.of(all, gpu, cpu);

    static Node withLabels(Node node, Map<String, String> labels) {
        return new NodeBuilder(node)
                .editMetadata()
                .addToLabels(labels)
                .endMetadata()
                .build();
    }

    static Set<ResourceID> ids(String... names) {
        return java.util.Arrays.stream(names).map(ResourceID::new).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void anotherResourcesLabelConcernsOnlyThatResource() {
        Node before = node("n1", "6.1", Map.of("pool", "gpu"), List.of());
        Node after = withLabels(before, Map.of("procmodule.io/gpu", "hello_proc_b"));
        assertThat(NodeRouting.concerned(before, after, resources)).isEqualTo(ids("gpu"));
    }

    @Test
    void heartbeatsAndUnrelatedLabelsConcernNobody() {
        Node before = node("n1", "6.1", Map.of("pool", "gpu"), List.of());
        Node heartbeat = new NodeBuilder(before)
                .editStatus()
                .editFirstCondition()
                .withLastHeartbeatTime("2026-11-28T12:00:00Z")
                .endCondition()
                .endStatus()
                .build();
        assertThat(NodeRouting.concerned(before, heartbeat, resources)).isEmpty();
        assertThat(NodeRouting.concerned(before, withLabels(before, Map.of("team", "x")), resources))
                .isEmpty();
    }

    @Test
    void aSelectedLabelChangeConcernsTheResourcesSelectingOnIt() {
        Node gpuNode = node("n1", "6.1", Map.of("pool", "gpu"), List.of());
        Node cpuNode = withLabels(gpuNode, Map.of("pool", "cpu"));
        assertThat(NodeRouting.concerned(gpuNode, cpuNode, resources)).isEqualTo(ids("gpu", "cpu"));
    }

    @Test
    void kernelTaintOrReadinessConcernTheResourcesThatReadTheNode() {
        Node before = node("n1", "6.1", Map.of("pool", "gpu"), List.of());
        Node rebooted = new NodeBuilder(before)
                .editStatus()
                .editNodeInfo()
                .withKernelVersion("6.12")
                .endNodeInfo()
                .endStatus()
                .build();
        assertThat(NodeRouting.concerned(before, rebooted, resources)).isEqualTo(ids("all", "gpu"));
        Node tainted = new NodeBuilder(before)
                .editSpec()
                .withTaints(taint("dedicated", "x", "NoSchedule"))
                .endSpec()
                .build();
        assertThat(NodeRouting.concerned(before, tainted, resources)).isEqualTo(ids("all", "gpu"));
        // A node cpu no longer selects but still labelled: its unload depends on the node.
        Node labelledByCpu = withLabels(before, Map.of("procmodule.io/cpu", "hello_proc_c"));
        Node notReady = new NodeBuilder(labelledByCpu)
                .editStatus()
                .editFirstCondition()
                .withStatus("False")
                .endCondition()
                .endStatus()
                .build();
        assertThat(NodeRouting.concerned(labelledByCpu, notReady, resources)).isEqualTo(ids("all", "gpu", "cpu"));
    }

    @Test
    void resourcesLoadingTheSameModuleAreConcernedTogether() {
        ProcModule twin = ConflictsTest.pm("twin", "2026-01-02T00:00:00Z", "b", Map.of("pool", "other"));
        Node before = node("n1", "6.1", Map.of("pool", "gpu"), List.of());
        Node after = withLabels(before, Map.of("procmodule.io/gpu", "hello_proc_b"));
        assertThat(NodeRouting.concerned(before, after, List.of(all, gpu, cpu, twin)))
                .isEqualTo(ids("gpu", "twin"));
    }

    @Test
    void anAddedOrDeletedNodeConcernsTheResourcesThatSelectOrLabelledIt() {
        assertThat(NodeRouting.concerned(node("n1", "6.1", Map.of("pool", "cpu"), List.of()), resources))
                .isEqualTo(ids("all", "cpu"));
        assertThat(NodeRouting.concerned(
                        node("n2", "6.1", Map.of("procmodule.io/gpu", "hello_proc_b"), List.of()), resources))
                .isEqualTo(ids("all", "gpu"));
    }
}
