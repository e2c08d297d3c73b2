package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.api.ProcModule;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one reconcile sees of the cluster, read from the informer caches.
 *
 * @param nodes the resource's view of the nodes and of its agent pods, kept between reconciles
 *     (brought up to date by {@link Decision})
 * @param unloadNeededSince per node, when this operator first saw that it needs an unload (its own
 *     memory, see {@link UnloadTimers}); a node missing here is seen for the first time now
 */
public record ClusterSnapshot(NodeView nodes, List<Pod> unloadPods, Map<String, Instant> unloadNeededSince) {

    static ClusterSnapshot observe(
            ProcModule pm,
            Context<ProcModule> ctx,
            NodeViews views,
            PodCache pods,
            Map<String, Instant> unloadNeededSince) {
        String name = pm.getMetadata().getName();
        return new ClusterSnapshot(
                views.of(name, n -> new NodeView(Informers.viewSource(ctx, pods, pm))),
                pods.of(name, AgentLabels.COMPONENT_UNLOAD),
                unloadNeededSince);
    }
}
