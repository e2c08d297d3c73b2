package io.procmodule.operator.status;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.procmodule.operator.api.KernelSummary;
import io.procmodule.operator.api.NodeState;
import io.procmodule.operator.api.NodeStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a set of nodes' pods say, kept by state (in name order) and by kernel, and changed one node at
 * a time: a status is built from the counts, the kernels and the first names of each state, so a
 * reconcile at thousands of nodes costs only the nodes that changed since the last one. Not
 * thread-safe: JOSDK never reconciles one resource twice at once.
 */
public final class NodeBoard {
    /** One node, its pod (null when it has none) and what the pod says. */
    public record Slot(Node node, Pod pod, NodeReading reading) {
        public String name() {
            return node.getMetadata().getName();
        }
    }

    private static final NodeReading NO_POD =
            new NodeReading(NodeState.Pending, "NoPod", "waiting for the DaemonSet to start an agent pod");

    private final Map<String, Slot> slots = new HashMap<>();
    private final Map<NodeState, TreeMap<String, Slot>> byState = new EnumMap<>(NodeState.class);
    /** Per kernel release: nodes, verified, failed. */
    private final Map<String, int[]> kernels = new HashMap<>();

    /**
     * The agent readings of {@code nodes}, each from its newest pod in {@code pods}: what one
     * reconcile reads when nothing is kept from the last.
     */
    public static NodeBoard agents(
            Collection<Node> nodes, Collection<Pod> pods, String configHash, Collection<NodeStatus> shown) {
        Map<String, Pod> newest = PodReadings.newestByNode(pods);
        Map<String, NodeStatus> before = byName(shown);
        NodeBoard board = new NodeBoard();
        nodes.forEach(n -> board.readAgent(n, newest.get(n.getMetadata().getName()), configHash, before));
        return board;
    }

    /** The unload readings of {@code nodes}, each from its newest pod in {@code pods}. */
    public static NodeBoard unloads(Collection<Node> nodes, Collection<Pod> pods) {
        Map<String, Pod> newest = PodReadings.newestByNode(pods);
        NodeBoard board = new NodeBoard();
        for (Node n : nodes) {
            Pod pod = newest.get(n.getMetadata().getName());
            board.put(
                    n,
                    pod,
                    pod == null
                            ? new NodeReading(NodeState.Unloading, "Unloading", "creating the unload pod")
                            : PodReadings.unload(pod));
        }
        return board;
    }

    /** The status entries by node name, to tell a failure shown before from a new reading. */
    public static Map<String, NodeStatus> byName(Collection<NodeStatus> shown) {
        Map<String, NodeStatus> before = new HashMap<>();
        shown.forEach(s -> before.putIfAbsent(s.getNodeName(), s));
        return before;
    }

    /**
     * Reads {@code node}'s agent pod. A real kubelet forgets a crash-looping init container's failure
     * while it retries it: a node that was Failed (here, or in the status shown when the board is new)
     * stays Failed through the retry, or the node and its NodeFailed event would flap on every retry.
     */
    public void readAgent(Node node, Pod pod, String configHash, Map<String, NodeStatus> shown) {
        NodeReading reading = pod == null ? NO_POD : PodReadings.agent(pod, configHash);
        String name = node.getMetadata().getName();
        Slot here = slots.get(name);
        NodeStatus was = here == null ? shown.get(name) : null;
        NodeState before = here != null ? here.reading().state() : was == null ? null : was.getState();
        if (before == NodeState.Failed
                && reading.state() != NodeState.Verified
                && PodReadings.retryingAfterForgottenFailure(pod, configHash)) {
            reading = here != null
                    ? here.reading()
                    : new NodeReading(NodeState.Failed, was.getReason(), was.getMessage());
        }
        put(node, pod, reading);
    }

    public void put(Node node, Pod pod, NodeReading reading) {
        remove(node.getMetadata().getName());
        Slot slot = new Slot(node, pod, reading);
        slots.put(slot.name(), slot);
        byState.computeIfAbsent(reading.state(), s -> new TreeMap<>()).put(slot.name(), slot);
        int[] k = kernels.computeIfAbsent(kernelOf(node), release -> new int[3]);
        k[0]++;
        if (reading.state() == NodeState.Verified) {
            k[1]++;
        } else if (reading.state() == NodeState.Failed) {
            k[2]++;
        }
    }

    public void remove(String name) {
        Slot slot = slots.remove(name);
        if (slot == null) {
            return;
        }
        byState.get(slot.reading().state()).remove(name);
        String release = kernelOf(slot.node());
        int[] k = kernels.get(release);
        k[0]--;
        if (slot.reading().state() == NodeState.Verified) {
            k[1]--;
        } else if (slot.reading().state() == NodeState.Failed) {
            k[2]--;
        }
        if (k[0] == 0) {
            kernels.remove(release);
        }
    }

    public void clear() {
        slots.clear();
        byState.clear();
        kernels.clear();
    }

    public int size() {
        return slots.size();
    }

    public int count(NodeState state) {
        TreeMap<String, Slot> in = byState.get(state);
        return in == null ? 0 : in.size();
    }

    /** The first {@code limit} nodes of a state, by name. */
    public List<Slot> firstByName(NodeState state, int limit) {
        TreeMap<String, Slot> in = byState.get(state);
        List<Slot> first = new ArrayList<>(Math.max(0, Math.min(limit, in == null ? 0 : in.size())));
        if (in != null) {
            for (Slot s : in.values()) {
                if (first.size() >= limit) {
                    break;
                }
                first.add(s);
            }
        }
        return first;
    }

    /** The most common kernels first, at most {@code limit}. */
    public List<KernelSummary> kernels(int limit) {
        return kernels.entrySet().stream()
                .map(e -> new KernelSummary(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2]))
                .sorted(Comparator.comparing(KernelSummary::getNodes)
                        .reversed()
                        .thenComparing(KernelSummary::getKernelRelease))
                .limit(limit)
                .toList();
    }

    static String kernelOf(Node node) {
        return Optional.ofNullable(StatusAggregator.kernel(node)).orElse(StatusAggregator.UNKNOWN_KERNEL);
    }
}
