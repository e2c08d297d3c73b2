package io.procmodule.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.procmodule.e2e.cluster.Cluster;
import io.procmodule.operator.api.ModuleName;
import io.procmodule.operator.api.NodeState;
import io.procmodule.operator.api.NodeStatus;
import io.procmodule.operator.api.ProcModule;
import java.time.Duration;

/** What "the module is on every node" and "it is gone" mean, checked on the nodes themselves. */
final class NodeChecks {
    private NodeChecks() {}

    /** Status reports every node Verified, and each node's /proc entry reads exactly message + "\n". */
    static void everyNodeServes(Cluster cluster, ProcModule pm) {
        String entry = pm.getSpec().getEntryName();
        String expected = pm.getSpec().getMessage() + "\n";
        var nodes = cluster.nodeNames();
        assertThat(nodes).isNotEmpty();
        assertThat(pm.getStatus().getDesiredNodes()).isEqualTo(nodes.size());
        assertThat(pm.getStatus().getVerifiedNodes()).isEqualTo(nodes.size());
        assertThat(pm.getStatus().getReady()).isEqualTo(nodes.size() + "/" + nodes.size());
        assertThat(pm.getStatus().getNodes())
                .extracting(NodeStatus::getNodeName)
                .containsExactlyInAnyOrderElementsOf(nodes);
        assertThat(pm.getStatus().getNodes()).allSatisfy(node -> {
            assertThat(node.getState()).as(node.toString()).isEqualTo(NodeState.Verified);
            assertThat(node.getKernelRelease())
                    .as(node.getNodeName() + " kernelRelease")
                    .isNotBlank();
        });
        for (String node : nodes) {
            assertThat(cluster.readProcEntry(node, entry))
                    .as("/proc/%s on %s", entry, node)
                    .contains(expected);
            assertThat(cluster.moduleLoaded(node, ModuleName.forEntry(entry)))
                    .as("module on %s", node)
                    .isTrue();
        }
    }

    /** The entry and the module are gone from every node. */
    static void goneFromEveryNode(Cluster cluster, String entry) {
        for (String node : cluster.nodeNames()) {
            assertThat(cluster.readProcEntry(node, entry))
                    .as("/proc/%s on %s", entry, node)
                    .isEmpty();
            assertThat(cluster.moduleLoaded(node, ModuleName.forEntry(entry)))
                    .as("module on %s", node)
                    .isFalse();
        }
    }

    /** Deletes the resource and waits for the operator to release it (unload confirmed). */
    static void deleteAndAwaitGone(Cluster cluster, String name) {
        cluster.delete(name);
        cluster.awaitDeleted(name, cluster.rolloutTimeout().plus(Duration.ofMinutes(1)));
    }
}
