package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.api.ProcModule;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one reconcile sees of the cluster, read once from the informer caches at its start.
 *
 * @param unloadNeededSince per node, when this operator first saw that it needs an unload (its own
 *     memory, see {@link UnloadTimers}); a node missing here is seen for the first time now
 */
public record ClusterSnapshot(
        List<Node> nodes, List<Pod> agentPods, List<Pod> unloadPods, Map<String, Instant> unloadNeededSince) {

    public ClusterSnapshot(List<Node> nodes, List<Pod> agentPods, List<Pod> unloadPods) {
        this(nodes, agentPods, unloadPods, Map.of());
    }

    static ClusterSnapshot observe(ProcModule pm, Context<ProcModule> ctx, Map<String, Instant> unloadNeededSince) {
        return new ClusterSnapshot(
                Informers.nodes(ctx).list().toList(),
                Informers.podsOf(ctx, pm, AgentLabels.COMPONENT_AGENT),
                Informers.podsOf(ctx, pm, AgentLabels.COMPONENT_UNLOAD),
                unloadNeededSince);
    }
}
