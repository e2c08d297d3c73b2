package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.procmodule.operator.agent.AgentLabels;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Every ProcModule's {@link NodeView}, by resource name, and where the informer stores report what
 * changed: a node concerns every view, a pod only its resource's (by the instance label) and only on
 * its node.
 */
final class NodeViews {
    private final Map<String, NodeView> views = new ConcurrentHashMap<>();

    /** The resource's view, made with {@code create} the first time. */
    NodeView of(String resource, Function<String, NodeView> create) {
        return views.computeIfAbsent(resource, create);
    }

    void forget(String resource) {
        views.remove(resource);
    }

    void nodeChanged(Node node) {
        String name = node.getMetadata().getName();
        views.values().forEach(v -> v.changed(name));
    }

    void podChanged(Pod pod) {
        String resource = AgentLabels.procModuleOf(pod.getMetadata());
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        NodeView view = resource == null ? null : views.get(resource);
        if (view != null && node != null) {
            view.changed(node);
        }
    }
}
