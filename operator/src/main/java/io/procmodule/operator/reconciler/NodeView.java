package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.api.NodeStatus;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;
import io.procmodule.operator.status.NodeBoard;
import io.procmodule.operator.status.PodReadings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * One ProcModule's view of the nodes: those it selects, those that carry its label, and what its agent
 * pods on the selected nodes say. Kept between reconciles and brought up to date from the nodes named
 * by {@link #changed} since the last one (a node changed, or one of the resource's pods on it), so a
 * reconcile at 5,000 nodes reads only what changed, and a node event that concerns 20 resources does
 * not make each re-read every node. A change of the selection or of the agent configuration reads
 * every node again. Whatever the history, the view holds what a fresh one would read from the same
 * source (NodeViewTest). Not thread-safe apart from {@link #changed}: JOSDK never reconciles one
 * resource twice at once.
 */
final class NodeView implements NodePlan.Labels {
    /** Where the view reads nodes and pods: the informer caches, or lists in tests. */
    interface Source {
        Stream<Node> nodes();

        /** Null when the node is gone. */
        Node node(String name);

        /** The resource's agent pods on a node. */
        Collection<Pod> agentPods(String node);
    }

    private final Source source;
    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    private final Map<String, Node> selected = new HashMap<>();
    private final SortedSet<String> unlabelled = new TreeSet<>();
    private final Map<String, Node> labelled = new TreeMap<>();
    private final Map<String, Node> labelledUnselected = new TreeMap<>();
    private final NodeBoard agents = new NodeBoard();
    private List<Object> basis;
    private String label;
    private Predicate<Node> selects;
    private String configHash;

    NodeView(Source source) {
        this.source = source;
    }

    /** A view of these nodes and agent pods, as tests and benchmarks give them. */
    static NodeView of(Collection<Node> nodes, Collection<Pod> agentPods) {
        Map<String, Node> byName = new HashMap<>();
        nodes.forEach(n -> byName.put(n.getMetadata().getName(), n));
        Map<String, List<Pod>> byNode = new HashMap<>();
        agentPods.stream()
                .filter(p -> p.getSpec() != null && p.getSpec().getNodeName() != null)
                .forEach(p -> byNode.computeIfAbsent(p.getSpec().getNodeName(), k -> new ArrayList<>())
                        .add(p));
        return new NodeView(new Source() {
            @Override
            public Stream<Node> nodes() {
                return nodes.stream();
            }

            @Override
            public Node node(String name) {
                return byName.get(name);
            }

            @Override
            public Collection<Pod> agentPods(String node) {
                return byNode.getOrDefault(node, List.of());
            }
        });
    }

    /** The node or one of the resource's pods on it changed; safe from any thread. */
    void changed(String node) {
        changed.add(node);
    }

    /**
     * Brings the view up to date with the source for {@code pm}'s selection and agent configuration.
     * {@code shown} is the status stored now: a node it shows Failed stays so while its pod retries.
     */
    NodeView refresh(ProcModule pm, String configHash, ProcModuleStatus shown) {
        Map<String, NodeStatus> before = shown == null ? Map.of() : NodeBoard.byName(shown.getNodes());
        List<Object> basis = List.of(
                pm.getMetadata().getName(),
                Map.copyOf(pm.getSpec().getNodeSelector()),
                List.copyOf(pm.getSpec().getTolerations()),
                configHash);
        if (!basis.equals(this.basis)) {
            this.basis = basis;
            this.label = AgentLabels.nodeLabel(pm.getMetadata().getName());
            this.selects = NodeSelection.selector(pm);
            this.configHash = configHash;
            // Cleared before reading the source: a change from now on is read again next time.
            changed.clear();
            selected.clear();
            unlabelled.clear();
            labelled.clear();
            labelledUnselected.clear();
            agents.clear();
            source.nodes().forEach(n -> read(n.getMetadata().getName(), n, before));
            return this;
        }
        for (Iterator<String> names = changed.iterator(); names.hasNext(); ) {
            String name = names.next();
            // Removed before the read: a change stored after it is marked again and read next time.
            names.remove();
            read(name, source.node(name), before);
        }
        return this;
    }

    private void read(String name, Node node, Map<String, NodeStatus> before) {
        boolean isLabelled = node != null
                && node.getMetadata().getLabels() != null
                && node.getMetadata().getLabels().containsKey(label);
        boolean isSelected = node != null && selects.test(node);
        keep(labelled, name, isLabelled ? node : null);
        keep(labelledUnselected, name, isLabelled && !isSelected ? node : null);
        keep(selected, name, isSelected ? node : null);
        if (isSelected && !isLabelled) {
            unlabelled.add(name);
        } else {
            unlabelled.remove(name);
        }
        if (isSelected) {
            agents.readAgent(node, PodReadings.newest(source.agentPods(name)), configHash, before);
        } else {
            agents.remove(name);
        }
    }

    private static void keep(Map<String, Node> map, String name, Node node) {
        if (node == null) {
            map.remove(name);
        } else {
            map.put(name, node);
        }
    }

    /** Every node, selected or not (the conflict check reads other resources' selections). */
    Stream<Node> everyNode() {
        return source.nodes();
    }

    Collection<Node> selected() {
        return Collections.unmodifiableCollection(selected.values());
    }

    @Override
    public SortedSet<String> unlabelled() {
        return Collections.unmodifiableSortedSet(unlabelled);
    }

    @Override
    public Collection<Node> labelled() {
        return Collections.unmodifiableCollection(labelled.values());
    }

    @Override
    public Collection<Node> labelledUnselected() {
        return Collections.unmodifiableCollection(labelledUnselected.values());
    }

    /** What the agent pods on the selected nodes say. */
    NodeBoard agents() {
        return agents;
    }
}
