package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.procmodule.operator.api.ProcModule;
import java.util.function.Consumer;

/**
 * The node informer. Nodes belong to no ProcModule, so JOSDK's one-object mapper would have to send
 * every node change to every resource; here an update goes only to the resources it can concern,
 * judged from the old and the new node ({@link NodeRouting}). At 5,000 nodes and 20 resources, the
 * labels one resource puts on its nodes then reconcile that resource alone, and heartbeats nothing.
 */
final class NodeEventSource extends InformerEventSource<Node, ProcModule> {
    static final String NAME = "nodes";
    private final EventSourceContext<ProcModule> context;

    private NodeEventSource(
            InformerEventSourceConfiguration<Node> configuration, EventSourceContext<ProcModule> context) {
        super(configuration, context);
        this.context = context;
    }

    /** {@code changed} is told of every node stored or removed. */
    static NodeEventSource create(EventSourceContext<ProcModule> context, Consumer<Node> changed) {
        return new NodeEventSource(
                InformerEventSourceConfiguration.from(Node.class, ProcModule.class)
                        .withName(NAME)
                        .withWatchAllNamespaces()
                        .withItemStore(NodeCache.store(changed))
                        .withInformerListLimit(Informers.LIST_PAGE)
                        // Additions and deletions: the resources that select or labelled the node.
                        .withSecondaryToPrimaryMapper(node -> NodeRouting.concerned(
                                node, context.getPrimaryCache().list().toList()))
                        // Updates are routed below, where the old node is known.
                        .withOnUpdateFilter((node, old) -> false)
                        .build(),
                context);
    }

    @Override
    public void onUpdate(Node old, Node node) {
        super.onUpdate(old, node);
        var handler = getEventHandler();
        if (handler == null) {
            return;
        }
        NodeRouting.concerned(old, node, context.getPrimaryCache().list().toList())
                .forEach(id -> handler.handleEvent(new Event(id)));
    }
}
