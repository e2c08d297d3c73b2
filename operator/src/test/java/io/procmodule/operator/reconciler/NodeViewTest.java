package io.procmodule.operator.reconciler;

import static io.procmodule.operator.reconciler.ConflictsTest.pm;
import static io.procmodule.operator.testing.TestNodes.node;
import static io.procmodule.operator.testing.TestNodes.taint;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.informers.impl.cache.CacheImpl;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.api.NodeState;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;
import io.procmodule.operator.status.Mode;
import io.procmodule.operator.status.NodeBoard;
import io.procmodule.operator.status.StatusAggregator;
import io.procmodule.operator.status.StatusInput;
import io.procmodule.operator.testing.PodStatuses;
import io.procmodule.operator.testing.TestPods;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class NodeViewTest {
    static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
    static final String LABEL = AgentLabels.nodeLabel("hello");

    /** Nodes and agent pods as an informer holds them, counting what a view reads. */
    static final class Cluster implements NodeView.Source {
        final Map<String, Node> nodes = new LinkedHashMap<>();
        final Map<String, List<Pod>> pods = new HashMap<>();
        final List<NodeView> views = new ArrayList<>();
        int podReads;

        void put(Node node) {
            nodes.put(node.getMetadata().getName(), node);
            views.forEach(v -> v.changed(node.getMetadata().getName()));
        }

        void remove(String node) {
            nodes.remove(node);
            views.forEach(v -> v.changed(node));
        }

        void pods(String node, List<Pod> onNode) {
            pods.put(node, onNode);
            views.forEach(v -> v.changed(node));
        }

        List<Pod> allPods() {
            return pods.values().stream().flatMap(List::stream).toList();
        }

        @Override
        public Stream<Node> nodes() {
            return List.copyOf(nodes.values()).stream();
        }

        @Override
        public Node node(String name) {
            return nodes.get(name);
        }

        @Override
        public Collection<Pod> agentPods(String node) {
            podReads++;
            return pods.getOrDefault(node, List.of());
        }

        NodeView view() {
            NodeView v = new NodeView(this);
            views.add(v);
            return v;
        }
    }

    static Node labelled(String name, String kernel, Map<String, String> labels) {
        Map<String, String> all = new HashMap<>(labels);
        all.put(LABEL, "hello_proc");
        return node(name, kernel, all, List.of());
    }

    static Pod agent(String node, String name, String hash, PodStatus status, String created, boolean deleting) {
        return TestPods.agent(name, node, hash, status)
                .editMetadata()
                .withCreationTimestamp(created)
                .withDeletionTimestamp(deleting ? created : null)
                .endMetadata()
                .build();
    }

    @Test
    void aKeptViewReadsOnlyTheNodesThatChanged() {
        Cluster cluster = new Cluster();
        for (int i = 0; i < 100; i++) {
            cluster.put(labelled("n" + i, "6.1", Map.of()));
        }
        ProcModule pm = pm("hello", "2026-01-01T00:00:00Z", "hello_world", Map.of());
        NodeView view = cluster.view();
        view.refresh(pm, "h1", null);
        assertThat(cluster.podReads).as("the first refresh reads every node").isEqualTo(100);
        assertThat(view.agents().count(NodeState.Pending)).isEqualTo(100);

        cluster.podReads = 0;
        cluster.pods("n7", List.of(agent("n7", "p7", "h1", PodStatuses.agentVerified("Loaded"), "t1", false)));
        cluster.put(node("n8", "6.12"));
        view.refresh(pm, "h1", null);
        assertThat(cluster.podReads).as("then only the two that changed").isEqualTo(2);
        assertThat(view.agents().count(NodeState.Verified)).isEqualTo(1);
        assertThat(view.unlabelled()).containsExactly("n8");

        cluster.podReads = 0;
        view.refresh(pm, "h1", null);
        assertThat(cluster.podReads).as("and nothing when nothing changed").isZero();

        view.refresh(pm, "h2", null);
        assertThat(cluster.podReads)
                .as("a new agent configuration reads every node again")
                .isEqualTo(100);
        assertThat(view.agents().firstByName(NodeState.Pending, 100))
                .filteredOn(slot -> slot.name().equals("n7"))
                .singleElement()
                .satisfies(slot -> assertThat(slot.reading().reason()).isEqualTo("Outdated"));
    }

    @Test
    void podAndNodeChangesReachTheViewsThatReadThem() {
        Cluster cluster = new Cluster();
        cluster.put(labelled("a", "6.1", Map.of()));
        NodeViews views = new NodeViews();
        NodeView hello = views.of("hello", name -> new NodeView(cluster));
        NodeView other = views.of("other", name -> new NodeView(cluster));
        ProcModule pm = pm("hello", "2026-01-01T00:00:00Z", "hello_world", Map.of());
        ProcModule otherPm = pm("other", "2026-01-01T00:00:00Z", "other_entry", Map.of());
        hello.refresh(pm, "h1", null);
        other.refresh(otherPm, "h1", null);

        Pod verified = new PodBuilder(agent("a", "p", "h1", PodStatuses.agentVerified("Loaded"), "t1", false))
                .editMetadata()
                .withLabels(Map.of(AgentLabels.INSTANCE, "hello"))
                .endMetadata()
                .build();
        cluster.pods.put("a", List.of(verified));
        views.podChanged(verified);
        cluster.podReads = 0;
        hello.refresh(pm, "h1", null);
        other.refresh(otherPm, "h1", null);
        assertThat(cluster.podReads)
                .as("a pod concerns only its resource's view")
                .isEqualTo(1);
        assertThat(hello.agents().count(NodeState.Verified)).isEqualTo(1);

        Node relabelled = node("a", "6.12");
        cluster.nodes.put("a", relabelled);
        views.nodeChanged(relabelled);
        cluster.podReads = 0;
        hello.refresh(pm, "h1", null);
        other.refresh(otherPm, "h1", null);
        assertThat(cluster.podReads).as("a node concerns every view").isEqualTo(2);
        assertThat(hello.unlabelled()).containsExactly("a");
        assertThat(hello.agents().kernels(10))
                .singleElement()
                .satisfies(k -> assertThat(k.getKernelRelease()).isEqualTo("6.12"));

        views.forget("hello");
        assertThat(views.of("hello", name -> new NodeView(cluster)))
                .as("a forgotten view starts over")
                .isNotSameAs(hello);
    }

    /**
     * Random node, pod and spec changes: after each, the kept view holds what a fresh view reads
     * from the same cluster, and the status built from either is the same.
     */
    @Test
    void whateverChangesAKeptViewMatchesAFreshOne() {
        Random random = new Random(20261129);
        String[] kernels = {"6.1", "6.12", "6.8"};
        List<Supplier<PodStatus>> statuses = List.of(
                PodStatuses::agentPending,
                PodStatuses::agentBuilding,
                PodStatuses::agentLoading,
                () -> PodStatuses.agentVerified("Loaded"),
                () -> PodStatuses.agentBuildFailed("HeadersMissing", "install linux-headers"),
                () -> {
                    // A real kubelet's retry of a failed init container: restarted, no last state.
                    PodStatus s = PodStatuses.agentBuilding();
                    s.getInitContainerStatuses().get(0).setRestartCount(3);
                    return s;
                });
        Cluster cluster = new Cluster();
        NodeView kept = cluster.view();
        Map<String, String> selector = Map.of();
        String hash = "h1";
        ProcModuleStatus shown = null;
        for (int step = 0; step < 3_000; step++) {
            String name = "n" + random.nextInt(40);
            int what = random.nextInt(100);
            if (what < 35) {
                List<Pod> onNode = new ArrayList<>();
                for (int p = random.nextInt(3); p > 0; p--) {
                    onNode.add(agent(
                            name,
                            name + "-" + step + "-" + p,
                            random.nextInt(5) == 0 ? "h0" : hash,
                            statuses.get(random.nextInt(statuses.size())).get(),
                            "2026-11-25T12:00:0" + random.nextInt(10) + "Z",
                            random.nextInt(6) == 0));
                }
                cluster.pods(name, onNode);
            } else if (what < 75) {
                Map<String, String> labels = new HashMap<>();
                if (random.nextBoolean()) {
                    labels.put(LABEL, "hello_proc");
                }
                if (random.nextBoolean()) {
                    labels.put("pool", random.nextBoolean() ? "a" : "b");
                }
                List<Taint> taints = random.nextInt(4) == 0
                        ? List.of(taint("dedicated", "x", random.nextBoolean() ? "NoSchedule" : "NoExecute"))
                        : List.of();
                cluster.put(node(name, kernels[random.nextInt(kernels.length)], labels, taints));
            } else if (what < 85) {
                cluster.remove(name);
            } else if (what < 88) {
                selector = random.nextBoolean() ? Map.of() : Map.of("pool", "a");
            } else if (what < 90) {
                hash = hash.equals("h1") ? "h2" : "h1";
            }
            ProcModule pm = pm("hello", "2026-01-01T00:00:00Z", "hello_world", selector);
            if (random.nextInt(4) == 0) {
                pm.getSpec()
                        .setTolerations(List.of(new TolerationBuilder()
                                .withKey("dedicated")
                                .withOperator("Exists")
                                .withEffect("NoSchedule")
                                .build()));
            }
            if (random.nextInt(3) > 0 && step < 2_990) {
                continue; // several changes between two reconciles
            }
            kept.refresh(pm, hash, shown);
            NodeView fresh = NodeView.of(List.copyOf(cluster.nodes.values()), cluster.allPods())
                    .refresh(pm, hash, shown);

            assertThat(names(kept.selected())).as("step %d", step).isEqualTo(names(fresh.selected()));
            assertThat(kept.unlabelled()).isEqualTo(fresh.unlabelled());
            assertThat(names(kept.labelled())).isEqualTo(names(fresh.labelled()));
            assertThat(names(kept.labelledUnselected())).isEqualTo(names(fresh.labelledUnselected()));
            assertThat(kept.agents().kernels(10))
                    .usingRecursiveComparison()
                    .isEqualTo(fresh.agents().kernels(10));
            for (NodeState state : NodeState.values()) {
                assertThat(kept.agents().firstByName(state, 100))
                        .as("step %d, %s", step, state)
                        .isEqualTo(fresh.agents().firstByName(state, 100));
            }
            ProcModuleStatus next = status(kept, shown);
            assertThat(StatusAggregator.same(next, status(fresh, shown))).isTrue();
            shown = next;
        }
    }

    /**
     * A reconcile may refresh the view at any moment while the pod informer writes (watch events,
     * or a relist storing every pod again), at worst right when the view is told of a change and
     * takes it as read. Here every change is followed at once by such a refresh; after the writes,
     * the view must still hold what a fresh one reads. The informer's cache is fabric8's, holding the
     * operator's pod store as it does in the operator (fabric8's own indexes, updated only after the
     * listener, failed this).
     */
    @Test
    void aViewRefreshedWhenToldOfEachPodChangeEndsLikeAFreshOne() {
        Map<String, Node> nodes = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            nodes.put("n" + i, labelled("n" + i, "6.1", Map.of()));
        }
        List<Supplier<PodStatus>> statuses = List.of(
                PodStatuses::agentBuilding, PodStatuses::agentLoading, () -> PodStatuses.agentVerified("Loaded"));
        ProcModule pm = pm("hello", "2026-01-01T00:00:00Z", "hello_world", Map.of());
        NodeViews views = new NodeViews();
        AtomicReference<NodeView> reconciling = new AtomicReference<>();
        PodCache pods = new PodCache(pod -> {
            views.podChanged(pod);
            reconciling.get().refresh(pm, "h1", null);
        });
        reconciling.set(views.of(
                "hello",
                n -> new NodeView(Informers.viewSource(() -> nodes.values().stream(), nodes::get, pods, "hello"))));
        CacheImpl<Pod> informerCache = new CacheImpl<>();
        informerCache.setItemStore(pods.store());
        Random random = new Random(20261129);
        for (int round = 0; round < 35; round++) {
            for (String node : nodes.keySet()) {
                // Every tenth round the DaemonSet replaces the pod: a new name on the same node.
                String name = node + "-" + round / 10;
                informerCache.put(new PodBuilder(agent(
                                node,
                                name,
                                "h1",
                                statuses.get(random.nextInt(statuses.size())).get(),
                                "2026-11-25T12:00:0" + round / 10 + "Z",
                                false))
                        .editMetadata()
                        .withLabels(Map.of(
                                AgentLabels.INSTANCE, "hello", AgentLabels.COMPONENT, AgentLabels.COMPONENT_AGENT))
                        .withResourceVersion(String.valueOf(round))
                        .endMetadata()
                        .build());
                if (round % 10 == 9) {
                    informerCache.remove(informerCache.getByKey("ns/" + name));
                }
            }
        }
        NodeView view = reconciling.get().refresh(pm, "h1", null);

        NodeView fresh = NodeView.of(nodes.values(), informerCache.list()).refresh(pm, "h1", null);
        assertThat(informerCache.list()).hasSize(20);
        for (NodeState state : NodeState.values()) {
            assertThat(readings(view, state)).as("%s", state).isEqualTo(readings(fresh, state));
        }
    }

    private static ProcModuleStatus status(NodeView view, ProcModuleStatus shown) {
        return StatusAggregator.aggregate(new StatusInput(
                Mode.APPLYING,
                new StatusInput.Resource(1, shown, "hello_world", "hello_proc"),
                view.agents(),
                NodeBoard.unloads(view.labelledUnselected(), List.of()),
                T0));
    }

    private static List<String> readings(NodeView view, NodeState state) {
        return view.agents().firstByName(state, 100).stream()
                .map(slot -> slot.name() + ": " + slot.reading())
                .toList();
    }

    private static TreeSet<String> names(Collection<Node> nodes) {
        TreeSet<String> names = new TreeSet<>();
        nodes.forEach(n -> names.add(n.getMetadata().getName()));
        return names;
    }
}
