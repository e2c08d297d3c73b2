package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.status.Mode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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

    /**
     * What the plan is decided from.
     *
     * @param mode deleting: every node that may carry the module is unloaded; blocked: nothing is touched
     * @param desiredNodes nodes that should carry the module (ignored unless applying)
     * @param unloadTimeout how long an unload pod may take before its node is given up
     */
    public record Input(
            String procModuleName,
            Mode mode,
            Collection<Node> desiredNodes,
            ClusterSnapshot observed,
            Instant now,
            Duration unloadTimeout) {}

    public static NodePlan decide(Input in) {
        if (in.mode() instanceof Mode.Blocked) {
            return NONE;
        }
        Instant now = in.now();
        String label = AgentLabels.nodeLabel(in.procModuleName());
        Collection<Node> desiredNodes = in.mode() instanceof Mode.Applying ? in.desiredNodes() : List.of();
        // One pass over the nodes and no sorted set of all of them: at thousands of nodes this runs
        // on every reconcile, while the sets it yields are usually empty.
        Set<String> desired = new HashSet<>(desiredNodes.size() * 2);
        Set<String> toLabel = new TreeSet<>();
        for (Node n : desiredNodes) {
            desired.add(n.getMetadata().getName());
            if (!labelled(n, label)) {
                toLabel.add(n.getMetadata().getName());
            }
        }
        // The label, not the agent pod, decides: agent pods can outlive their DaemonSet (a node that is
        // unreachable keeps its pods Terminating), and an unload must not restart for them.
        Map<String, Node> unloadByName = new TreeMap<>();
        for (Node n : in.observed().nodes()) {
            if (labelled(n, label) && !desired.contains(n.getMetadata().getName())) {
                unloadByName.putIfAbsent(n.getMetadata().getName(), n);
            }
        }
        Set<String> unload = unloadByName.keySet();

        Map<String, Pod> unloadPodByNode = in.observed().unloadPods().stream()
                .filter(p -> p.getSpec() != null && p.getSpec().getNodeName() != null)
                .collect(Collectors.toMap(p -> p.getSpec().getNodeName(), Function.identity(), (a, b) -> a));
        Set<String> create = new TreeSet<>();
        List<Pod> confirmed = new ArrayList<>();
        List<Abandoned> abandoned = new ArrayList<>();
        for (String node : unload) {
            Pod pod = unloadPodByNode.get(node);
            // Timed per node from the operator's own first observation: neither a pod that could not
            // be created nor the API server's clock decides.
            Instant since = in.observed().unloadNeededSince().getOrDefault(node, now);
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
        List<Pod> stale = in.observed().unloadPods().stream()
                .filter(p -> p.getSpec() == null || !unload.contains(p.getSpec().getNodeName()))
                .toList();
        return new NodePlan(toLabel, List.copyOf(unloadByName.values()), create, confirmed, abandoned, stale);
    }

    private static boolean labelled(Node n, String label) {
        Map<String, String> labels = n.getMetadata().getLabels();
        return labels != null && labels.containsKey(label);
    }
}
