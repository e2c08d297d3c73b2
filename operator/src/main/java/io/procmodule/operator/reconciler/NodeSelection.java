package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.api.ProcModule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The nodes the DaemonSet controller will run an agent pod on, computed the same way: every
 * nodeSelector entry matches a label, and every NoSchedule/NoExecute taint is tolerated, by the
 * spec's tolerations or by those the DaemonSet controller adds to every daemon pod. As for the
 * DaemonSet controller, a NoSchedule taint only keeps new pods away: a node that already runs one
 * keeps it unless a NoExecute taint is not tolerated. Otherwise a node that turns NotReady for a
 * moment (a reboot, a kubelet restart: {@code node.kubernetes.io/not-ready:NoSchedule}) would leave
 * the selection and have its module unloaded.
 */
public final class NodeSelection {
    /** Added to every DaemonSet pod by the DaemonSet controller (pkg/controller/daemon/util). */
    static final List<Toleration> DAEMONSET_TOLERATIONS = List.of(
            exists("node.kubernetes.io/not-ready", "NoExecute"),
            exists("node.kubernetes.io/unreachable", "NoExecute"),
            exists("node.kubernetes.io/disk-pressure", "NoSchedule"),
            exists("node.kubernetes.io/memory-pressure", "NoSchedule"),
            exists("node.kubernetes.io/pid-pressure", "NoSchedule"),
            exists("node.kubernetes.io/unschedulable", "NoSchedule"));

    /** Taint effects that keep a new pod off a node, and those that also stop one running there. */
    private static final Set<String> PLACE_EFFECTS = Set.of("NoSchedule", "NoExecute");

    private static final Set<String> KEEP_EFFECTS = Set.of("NoExecute");

    private NodeSelection() {}

    /** The nodes {@code pm} selects, in the order given. */
    public static List<Node> desired(ProcModule pm, Stream<Node> nodes) {
        return nodes.filter(selector(pm)).toList();
    }

    /** Whether {@code pm} selects a node; the nodes it has labelled already run its agent pod. */
    public static Predicate<Node> selector(ProcModule pm) {
        String placed = AgentLabels.nodeLabel(pm.getMetadata().getName());
        return selector(
                pm.getSpec().getNodeSelector(),
                pm.getSpec().getTolerations(),
                n -> n.getMetadata().getLabels() != null
                        && n.getMetadata().getLabels().containsKey(placed));
    }

    /** {@code running} tells the nodes that already run the daemon pod. */
    public static Predicate<Node> selector(
            Map<String, String> nodeSelector, List<Toleration> tolerations, Predicate<Node> running) {
        List<Toleration> all = new ArrayList<>(tolerations);
        all.addAll(DAEMONSET_TOLERATIONS);
        return n -> {
            if (!matches(nodeSelector, n.getMetadata().getLabels())) {
                return false;
            }
            List<Taint> taints = n.getSpec() == null ? null : n.getSpec().getTaints();
            // Most nodes have no taint: skip the running check (a label lookup) for them.
            return taints == null
                    || taints.isEmpty()
                    || tolerated(all, taints, running.test(n) ? KEEP_EFFECTS : PLACE_EFFECTS);
        };
    }

    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        for (Map.Entry<String, String> e : selector.entrySet()) {
            if (labels == null || !Objects.equals(labels.get(e.getKey()), e.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** Whether a new daemon pod with these tolerations may be placed on a node with these taints. */
    public static boolean tolerated(List<Toleration> tolerations, List<Taint> taints) {
        return tolerated(tolerations, taints, PLACE_EFFECTS);
    }

    private static boolean tolerated(List<Toleration> tolerations, List<Taint> taints, Set<String> effects) {
        if (taints == null) {
            return true;
        }
        return taints.stream()
                .filter(t -> effects.contains(t.getEffect()))
                .allMatch(t -> tolerations.stream().anyMatch(tol -> tolerates(tol, t)));
    }

    /** Kubernetes' Toleration.ToleratesTaint. */
    static boolean tolerates(Toleration toleration, Taint taint) {
        if (toleration.getEffect() != null
                && !toleration.getEffect().isEmpty()
                && !toleration.getEffect().equals(taint.getEffect())) {
            return false;
        }
        String key = toleration.getKey();
        boolean exists = "Exists".equals(toleration.getOperator());
        if (key == null || key.isEmpty()) {
            return exists;
        }
        if (!key.equals(taint.getKey())) {
            return false;
        }
        return exists || Objects.equals(emptyIfNull(toleration.getValue()), emptyIfNull(taint.getValue()));
    }

    private static String emptyIfNull(String s) {
        return s == null ? "" : s;
    }

    private static Toleration exists(String key, String effect) {
        Toleration t = new Toleration();
        t.setKey(key);
        t.setOperator("Exists");
        t.setEffect(effect);
        return t;
    }
}
