package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.informers.impl.cache.CacheImpl;
import io.procmodule.operator.OperatorConfig;
import io.procmodule.operator.agent.AgentConfig;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;
import io.procmodule.operator.status.NodeBoard;
import io.procmodule.operator.status.StatusAggregator;
import io.procmodule.operator.status.StatusInput;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Opens the package-private reconciler pieces to the scale benchmark (bench.ScaleBenchmark). Not a test. */
public final class ScaleAccess {
    private static final OperatorConfig CONFIG = OperatorConfig.defaults();
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private ScaleAccess() {}

    /** The store the operator's node informer uses. */
    public static ItemStore<Node> nodeStore() {
        return NodeCache.store(node -> {});
    }

    /**
     * What the operator holds for {@code resources} resources over {@code nodes}: the node informer's
     * cache, the pod informer's cache (pruned agent pods, one per node and resource, with the
     * operator's groups) and each resource's NodeView after its first reconcile. The nodes and pods
     * come from the suppliers one at a time, as an informer receives them.
     */
    public static Object operatorState(List<Supplier<Node>> nodes, int resources, AgentPods agentPods) {
        NodeViews views = new NodeViews();
        CacheImpl<Node> nodeCache = new CacheImpl<>();
        nodeCache.setItemStore(NodeCache.store(views::nodeChanged));
        nodes.forEach(node -> nodeCache.put(node.get()));
        PodCache pods = new PodCache(views::podChanged);
        CacheImpl<Pod> podCache = new CacheImpl<>();
        podCache.setItemStore(pods.store());
        for (int r = 0; r < resources; r++) {
            String resource = "scale-" + r;
            ProcModule pm = new ProcModule();
            pm.setMetadata(new ObjectMetaBuilder().withName(resource).build());
            pm.getSpec().setEntryName("hello_" + r);
            String hash = AgentConfig.of(pm, CONFIG.agentImage()).hash();
            for (Node node : nodeCache.list()) {
                podCache.put(agentPods.of(resource, node.getMetadata().getName(), hash));
            }
            views.of(
                            resource,
                            n -> new NodeView(Informers.viewSource(
                                    () -> nodeCache.list().stream(), nodeCache::getByKey, pods, resource)))
                    .refresh(pm, hash, null);
        }
        return List.of(nodeCache, podCache, pods, views);
    }

    /** A full agent pod, as the API server sends it. */
    public interface AgentPods {
        Pod of(String resource, String node, String configHash);
    }

    /**
     * One resource's reconciles, as the reconciler computes them (decide, then aggregate the status),
     * over nodes and agent pods held here as an informer holds them: a change replaces an object.
     */
    public static final class Reconciles {
        private final ProcModule pm = new ProcModule();
        private final Map<String, Node> nodes = new LinkedHashMap<>();
        private final Map<String, Pod> pods = new HashMap<>();
        private final NodeView view;

        /** {@code nodes} are labelled for the resource first, as after its rollout. */
        public Reconciles(Collection<Node> nodes) {
            pm.setMetadata(new ObjectMetaBuilder()
                    .withName("bench")
                    .withCreationTimestamp("2026-11-25T00:00:00Z")
                    .withGeneration(1L)
                    .build());
            pm.getSpec().setEntryName("hello_world");
            for (Node n : nodes) {
                Map<String, String> labels = new HashMap<>(n.getMetadata().getLabels());
                labels.put(AgentLabels.nodeLabel("bench"), "hello_proc");
                n.getMetadata().setLabels(labels);
                this.nodes.put(n.getMetadata().getName(), n);
            }
            view = new NodeView(new NodeView.Source() {
                @Override
                public Stream<Node> nodes() {
                    return Reconciles.this.nodes.values().stream();
                }

                @Override
                public Node node(String name) {
                    return Reconciles.this.nodes.get(name);
                }

                @Override
                public Collection<Pod> agentPods(String node) {
                    Pod pod = pods.get(node);
                    return pod == null ? List.of() : List.of(pod);
                }
            });
        }

        /** The configuration hash agent pods must carry to count. */
        public String configHash() {
            return AgentConfig.of(pm, CONFIG.agentImage()).hash();
        }

        /** A pod event: {@code pod} replaces the node's agent pod. */
        public void podChanged(String node, Pod pod) {
            pods.put(node, pod);
            view.changed(node);
        }

        /** A node event: {@code node} replaces the node of its name. */
        public void nodeChanged(Node node) {
            nodes.put(node.getMetadata().getName(), node);
            view.changed(node.getMetadata().getName());
        }

        /** One reconcile's computation with the view kept from the last; the status becomes the stored one. */
        public ProcModuleStatus kept() {
            return reconcile(view);
        }

        /** The same with every node and pod read afresh, as each reconcile did before views were kept. */
        public ProcModuleStatus fresh() {
            return reconcile(NodeView.of(nodes.values(), new ArrayList<>(pods.values())));
        }

        private ProcModuleStatus reconcile(NodeView nodeView) {
            Decision d =
                    Decision.forSpec(pm, List.of(pm), new ClusterSnapshot(nodeView, List.of(), Map.of()), CONFIG, NOW);
            ProcModuleStatus status = StatusAggregator.aggregate(new StatusInput(
                    d.mode(),
                    new StatusInput.Resource(
                            1, pm.getStatus(), d.agent().entryName(), d.agent().moduleName()),
                    d.agents(),
                    NodeBoard.unloads(d.plan().unloadNodes(), List.of()),
                    NOW));
            pm.setStatus(status);
            return status;
        }
    }
}
