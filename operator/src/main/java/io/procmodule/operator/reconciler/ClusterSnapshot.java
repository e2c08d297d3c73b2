package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.api.ProcModule;
import java.util.List;

/** What one reconcile sees of the cluster, read once from the informer caches at its start. */
public record ClusterSnapshot(List<Node> nodes, List<Pod> agentPods, List<Pod> unloadPods) {

    static ClusterSnapshot observe(Context<ProcModule> ctx) {
        List<Pod> pods = List.copyOf(ctx.getSecondaryResources(Pod.class));
        return new ClusterSnapshot(
                Informers.nodes(ctx).list().toList(),
                ofComponent(pods, AgentLabels.COMPONENT_AGENT),
                ofComponent(pods, AgentLabels.COMPONENT_UNLOAD));
    }

    private static List<Pod> ofComponent(List<Pod> pods, String component) {
        return pods.stream()
                .filter(p -> AgentLabels.isComponent(p.getMetadata().getLabels(), component))
                .toList();
    }
}
