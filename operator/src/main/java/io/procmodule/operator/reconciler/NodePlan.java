package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.procmodule.operator.status.Mode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Pure decision of what to do about node labels and unload pods. A node label
 * {@code procmodule.io/<name>} marks a node that may carry the module. It is written before an agent
 * can run there (the DaemonSet selects only labelled nodes), so every node where an agent may have
 * loaded the module is on record even if the operator was down meanwhile; it is removed only once an
 * unload pod confirmed (or the wait was abandoned).
 *
 * @param toLabel desired nodes that are not labelled yet
 * @param unloadNodes labelled nodes that must lose the module (existing nodes only: a deleted node has
 *     nothing to unload)
 * @param createUnloadPodOn unload nodes without an unload pod
 * @param confirmed Succeeded unload pods: remove the node's label
 * @param abandoned nodes whose unload was first needed longer than the timeout ago (by the operator's
 *     clock, whether or not an unload pod could be created): give up on the node, remove its label
 * @param stale unload pods no longer needed (label removed, node gone or selected again): delete
 */
public record NodePlan(
        Set<String> toLabel,
        List<Node> unloadNodes,
        Set<String> createUnloadPodOn,
        List<Pod> confirmed,
        List<Abandoned> abandoned,
        List<Pod> stale) {

    /**
     * @param lastPod the node's unload pod, null when none could be created
     * @param since when the operator first saw that the node needs an unload
     */
    public record Abandoned(String node, Pod lastPod, Instant since) {}

    /** Nothing to do: the resource is blocked and touches no node. */
    public static final NodePlan NONE = new NodePlan(Set.of(), List.of(), Set.of(), List.of(), List.of(), List.of());

    /** True when no node carries a label of this ProcModule any more (confirmed removals included). */
    public boolean nothingToUnload() {
        return unloadNodes.isEmpty();
    }

    /** Which nodes carry the resource's label, against its selection. */
    public interface Labels {
        /** Selected nodes without the label, by name. */
        SortedSet<String> unlabelled();

        /** Nodes with the label that are not selected, by name. */
        Collection<Node> labelledUnselected();

        /** Nodes with the label, by name. */
        Collection<Node> labelled();
    }

    /**
     * What the plan is decided from.
     *
     * @param mode applying: label the selected nodes, unload the others; deleting: every node that may
     *     carry the module is unloaded; blocked: nothing is touched
     * @param unloadPods the resource's unload pods
     * @param unloadTimeout how long an unload pod may take before its node is given up
     */
    public record Input(
            Mode mode,
            Labels labels,
            List<Pod> unloadPods,
            Map<String, Instant> unloadNeededSince,
            Instant now,
            Duration unloadTimeout) {}

    public static NodePlan decide(Input in) {
        if (in.mode() instanceof Mode.Blocked) {
            return NONE;
        }
        Instant now = in.now();
        boolean applying = in.mode() instanceof Mode.Applying;
        // Copies: the plan is carried out after the labels' source has moved on.
        Set<String> toLabel = applying ? new TreeSet<>(in.labels().unlabelled()) : Set.of();
        // The label, not the agent pod, decides: agent pods can outlive their DaemonSet (a node that is
        // unreachable keeps its pods Terminating), and an unload must not restart for them.
        List<Node> unloadNodes = List.copyOf(
                applying ? in.labels().labelledUnselected() : in.labels().labelled());
        Set<String> unload = new HashSet<>();
        unloadNodes.forEach(n -> unload.add(n.getMetadata().getName()));

        Map<String, Pod> unloadPodByNode = in.unloadPods().stream()
                .filter(p -> p.getSpec() != null && p.getSpec().getNodeName() != null)
                .collect(Collectors.toMap(p -> p.getSpec().getNodeName(), Function.identity(), (a, b) -> a));
        Set<String> create = new TreeSet<>();
        List<Pod> confirmed = new ArrayList<>();
        List<Abandoned> abandoned = new ArrayList<>();
        for (Node n : unloadNodes) {
            String node = n.getMetadata().getName();
            Pod pod = unloadPodByNode.get(node);
            // Timed per node from the operator's own first observation: neither a pod that could not
            // be created nor the API server's clock decides.
            Instant since = in.unloadNeededSince().getOrDefault(node, now);
            if (pod != null
                    && pod.getStatus() != null
                    && "Succeeded".equals(pod.getStatus().getPhase())) {
                confirmed.add(pod);
            } else if (Duration.between(since, now).compareTo(in.unloadTimeout()) > 0) {
                abandoned.add(new Abandoned(node, pod, since));
            } else if (pod == null) {
                create.add(node);
            }
        }
        List<Pod> stale = in.unloadPods().stream()
                .filter(p -> p.getSpec() == null || !unload.contains(p.getSpec().getNodeName()))
                .toList();
        return new NodePlan(toLabel, unloadNodes, create, confirmed, abandoned, stale);
    }
}
