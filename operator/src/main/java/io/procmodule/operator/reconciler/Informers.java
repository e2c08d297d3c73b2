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
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
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
    /** The pod informer's index of pods by the ProcModule named in their instance label, and their component. */
    private static final String BY_INSTANCE_AND_COMPONENT = "byInstanceAndComponent";
    /** The same, for the pods on one node. */
    private static final String BY_INSTANCE_COMPONENT_AND_NODE = "byInstanceComponentAndNode";

    private static final String DAEMONSETS = "daemonsets";

    private Informers() {}

    /** {@code views} are told of every node and pod change. */
    static List<EventSource<?, ProcModule>> create(
            EventSourceContext<ProcModule> context, String namespace, NodeViews views) {
        InformerEventSource<Pod, ProcModule> pods =
                managed(Pod.class, PODS, namespace, PodCache.store(views::podChanged), context);
        pods.addIndexers(podIndexers());
        return List.of(
                // DaemonSets are few and compared whole; pods are one per node and resource, kept pruned.
                managed(DaemonSet.class, DAEMONSETS, namespace, null, context),
                pods,
                NodeEventSource.create(context, views));
    }

    /** The pod informer's indexes: a resource's pods by component, and on one node. */
    static Map<String, Function<Pod, List<String>>> podIndexers() {
        return Map.of(
                BY_INSTANCE_AND_COMPONENT,
                Informers::instanceAndComponent,
                BY_INSTANCE_COMPONENT_AND_NODE,
                Informers::instanceComponentAndNode);
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
        Map<String, String> labels = secondary.getMetadata().getLabels();
        String name = labels == null ? null : labels.get(AgentLabels.INSTANCE);
        return name == null ? Set.of() : Set.of(new ResourceID(name));
    }

    private static List<String> instanceAndComponent(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        if (labels == null || labels.get(AgentLabels.INSTANCE) == null || labels.get(AgentLabels.COMPONENT) == null) {
            return List.of();
        }
        return List.of(indexKey(labels.get(AgentLabels.INSTANCE), labels.get(AgentLabels.COMPONENT)));
    }

    private static List<String> instanceComponentAndNode(Pod pod) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        List<String> key = instanceAndComponent(pod);
        return node == null || key.isEmpty() ? List.of() : List.of(key.get(0) + "/" + node);
    }

    private static String indexKey(String instance, String component) {
        return instance + "/" + component;
    }

    /** {@code pm}'s view reads the informer caches: nodes, and its agent pods node by node. */
    static NodeView.Source viewSource(Context<ProcModule> ctx, ProcModule pm) {
        InformerEventSource<Node, ProcModule> nodes = nodes(ctx);
        return viewSource(
                nodes::list,
                name -> nodes.get(new ResourceID(name)).orElse(null),
                pods(ctx)::byIndex,
                pm.getMetadata().getName());
    }

    /** The same over any node store and pod index (the scale benchmark builds them without a server). */
    static NodeView.Source viewSource(
            Supplier<Stream<Node>> every,
            Function<String, Node> byName,
            BiFunction<String, String, List<Pod>> podIndex,
            String resource) {
        String agents = indexKey(resource, AgentLabels.COMPONENT_AGENT) + "/";
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
                return podIndex.apply(BY_INSTANCE_COMPONENT_AND_NODE, agents + node);
            }
        };
    }

    static InformerEventSource<Node, ProcModule> nodes(Context<ProcModule> ctx) {
        return get(ctx, Node.class, NodeEventSource.NAME);
    }

    static InformerEventSource<Pod, ProcModule> pods(Context<ProcModule> ctx) {
        return get(ctx, Pod.class, PODS);
    }

    /**
     * The pods of {@code pm} with the given component label (agent or unload), from the informer's
     * index. Not {@code Context.getSecondaryResources}: it collects them into a HashSet, and hashing a
     * Pod walks the whole object; at 5,000 nodes that alone took tens of milliseconds per reconcile.
     * The component is part of the key because telling 5,000 pods apart by label took another 4 ms
     * of CPU per reconcile. A pod this operator just created shows up here once the informer has it
     * (a second create meets 409).
     */
    static List<Pod> podsOf(Context<ProcModule> ctx, ProcModule pm, String component) {
        return pods(ctx)
                .byIndex(BY_INSTANCE_AND_COMPONENT, indexKey(pm.getMetadata().getName(), component));
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
