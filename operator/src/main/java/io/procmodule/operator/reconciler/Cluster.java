package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.daemonset.AgentLabels;
import java.util.List;

/** One reconcile's view of the cluster, read from the informer caches. */
record Cluster(
        List<Node> nodes,
        List<Pod> agentPods,
        List<Pod> unloadPods,
        InformerEventSource<DaemonSet, ProcModule> daemonSetCache,
        InformerEventSource<Pod, ProcModule> podCache) {

    @SuppressWarnings("unchecked")
    static Cluster observe(Context<ProcModule> ctx) {
        var nodes = (InformerEventSource<Node, ProcModule>)
                ctx.eventSourceRetriever().getEventSourceFor(Node.class, ProcModuleReconciler.NODES);
        var pods = (InformerEventSource<Pod, ProcModule>)
                ctx.eventSourceRetriever().getEventSourceFor(Pod.class, ProcModuleReconciler.PODS);
        var daemonSets = (InformerEventSource<DaemonSet, ProcModule>)
                ctx.eventSourceRetriever().getEventSourceFor(DaemonSet.class, ProcModuleReconciler.DAEMONSETS);
        List<Pod> all = List.copyOf(ctx.getSecondaryResources(Pod.class));
        return new Cluster(
                nodes.list().toList(),
                all.stream()
                        .filter(p -> AgentLabels.isComponent(p.getMetadata().getLabels(), AgentLabels.COMPONENT_AGENT))
                        .toList(),
                all.stream()
                        .filter(p -> AgentLabels.isComponent(p.getMetadata().getLabels(), AgentLabels.COMPONENT_UNLOAD))
                        .toList(),
                daemonSets,
                pods);
    }
}
