package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.api.ProcModule;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The informers the reconciler reads: the agent DaemonSets and the agent and unload pods (in the
 * operator's namespace, tied to their ProcModule by label), and all nodes.
 */
final class Informers {
    /**
     * Objects per page when an informer lists. One list of 5,000 nodes or 100,000 pods from a busy
     * API server can outlast the client's request timeout (10 s), and the informer then stops.
     */
    static final long LIST_PAGE = 500;

    private static final String PODS = "pods";
    private static final String DAEMONSETS = "daemonsets";

    private Informers() {}

    /** The pod informer stores into {@code pods}; {@code nodeChanged} is told of every node change. */
    static List<EventSource<?, ProcModule>> create(
            EventSourceContext<ProcModule> context, String namespace, PodCache pods, Consumer<Node> nodeChanged) {
        return List.of(
                // DaemonSets are few and compared whole; pods are one per node and resource, kept pruned.
                managed(DaemonSet.class, DAEMONSETS, namespace, null, context),
                managed(Pod.class, PODS, namespace, pods.store(), context),
                NodeEventSource.create(context, nodeChanged));
    }

    /**
     * Objects the operator made for a ProcModule (agent DaemonSet; agent pods, owned by the DaemonSet,
     * and unload pods, owned by the ProcModule), tied to it by label.
     */
    private static <R extends HasMetadata> InformerEventSource<R, ProcModule> managed(
            Class<R> type, String name, String namespace, ItemStore<R> store, EventSourceContext<ProcModule> context) {
        return new InformerEventSource<>(
                InformerEventSourceConfiguration.from(type, ProcModule.class)
                        .withName(name)
                        .withNamespaces(Set.of(namespace))
                        .withLabelSelector(AgentLabels.MANAGED_SELECTOR)
                        .withSecondaryToPrimaryMapper(Informers::byInstanceLabel)
                        .withItemStore(store)
                        .withInformerListLimit(LIST_PAGE)
                        .build(),
                context);
    }

    /**
     * The ProcModule named by the instance label. Not {@code Mappers.fromLabel}: without a namespace
     * label it takes the secondary's namespace, which never matches a cluster-scoped primary.
     */
    static Set<ResourceID> byInstanceLabel(HasMetadata secondary) {
        String name = AgentLabels.procModuleOf(secondary.getMetadata());
        return name == null ? Set.of() : Set.of(new ResourceID(name));
    }

    /** {@code pm}'s view reads the informer caches: nodes, and its agent pods node by node. */
    static NodeView.Source viewSource(Context<ProcModule> ctx, PodCache pods, ProcModule pm) {
        InformerEventSource<Node, ProcModule> nodes = nodes(ctx);
        return viewSource(
                nodes::list,
                name -> nodes.get(new ResourceID(name)).orElse(null),
                pods,
                pm.getMetadata().getName());
    }

    /** The same over any node store (the scale benchmark builds one without a server). */
    static NodeView.Source viewSource(
            Supplier<Stream<Node>> every, Function<String, Node> byName, PodCache pods, String resource) {
        return new NodeView.Source() {
            @Override
            public Stream<Node> nodes() {
                return every.get();
            }

            @Override
            public Node node(String name) {
                return byName.apply(name);
            }

            @Override
            public Collection<Pod> agentPods(String node) {
                return pods.agentsOn(resource, node);
            }
        };
    }

    static InformerEventSource<Node, ProcModule> nodes(Context<ProcModule> ctx) {
        return get(ctx, Node.class, NodeEventSource.NAME);
    }

    static InformerEventSource<Pod, ProcModule> pods(Context<ProcModule> ctx) {
        return get(ctx, Pod.class, PODS);
    }

    static InformerEventSource<DaemonSet, ProcModule> daemonSets(Context<ProcModule> ctx) {
        return get(ctx, DaemonSet.class, DAEMONSETS);
    }

    @SuppressWarnings("unchecked")
    private static <R extends HasMetadata> InformerEventSource<R, ProcModule> get(
            Context<ProcModule> ctx, Class<R> type, String name) {
        return (InformerEventSource<R, ProcModule>) ctx.eventSourceRetriever().getEventSourceFor(type, name);
    }
}
