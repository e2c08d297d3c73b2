package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.api.ModuleName;
import io.procmodule.operator.api.ProcModule;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Pure: which ProcModules a node event can concern. A ProcModule's decisions read a node only if it
 * selects the node (desired set) or has labelled it (unload plan), and its status shows the node's
 * kernel. So a node change concerns a resource when it can move the node in or out of its desired
 * set (a label its nodeSelector names, the taints), touches its own {@code procmodule.io/<name>}
 * label, or changes the kernel, boot or readiness of a node the resource selects or labelled. Resources
 * loading the same module are concerned together, since one's nodes decide the other's conflict.
 * Everything else (another resource's label, a heartbeat) reconciles nothing.
 */
final class NodeRouting {
    private NodeRouting() {}

    /** A node appeared or disappeared: the resources that select or labelled it. */
    static Set<ResourceID> concerned(Node node, Collection<ProcModule> all) {
        return withSameModule(all.stream().filter(pm -> reads(pm, node)), all);
    }

    static Set<ResourceID> concerned(Node before, Node after, Collection<ProcModule> all) {
        Set<String> changedLabels = changedKeys(labels(before), labels(after));
        boolean taints = !Objects.equals(NodeCache.taints(before), NodeCache.taints(after));
        boolean state = !Objects.equals(NodeCache.kernel(before), NodeCache.kernel(after))
                || !Objects.equals(NodeCache.bootId(before), NodeCache.bootId(after))
                || !Objects.equals(NodeCache.ready(before), NodeCache.ready(after));
        if (changedLabels.isEmpty() && !taints && !state) {
            return Set.of();
        }
        return withSameModule(
                all.stream().filter(pm -> {
                    boolean read = reads(pm, before) || reads(pm, after);
                    return changedLabels.contains(
                                    AgentLabels.nodeLabel(pm.getMetadata().getName()))
                            || pm.getSpec().getNodeSelector().keySet().stream().anyMatch(changedLabels::contains)
                            || (taints || state) && read;
                }),
                all);
    }

    /** Whether {@code pm}'s decisions read this node: it selects it or has labelled it. */
    static boolean reads(ProcModule pm, Node node) {
        return labels(node).containsKey(AgentLabels.nodeLabel(pm.getMetadata().getName()))
                || NodeSelection.selector(pm).test(node);
    }

    private static Set<ResourceID> withSameModule(Stream<ProcModule> concerned, Collection<ProcModule> all) {
        List<ProcModule> direct = concerned.toList();
        if (direct.isEmpty()) {
            return Set.of();
        }
        Set<String> modules = direct.stream().map(NodeRouting::module).collect(Collectors.toSet());
        Set<ResourceID> ids = new HashSet<>();
        direct.forEach(pm -> ids.add(ResourceID.fromResource(pm)));
        all.stream().filter(pm -> modules.contains(module(pm))).forEach(pm -> ids.add(ResourceID.fromResource(pm)));
        return ids;
    }

    private static String module(ProcModule pm) {
        String entry = pm.getSpec().getEntryName();
        return entry == null ? "" : ModuleName.forEntry(entry);
    }

    private static Map<String, String> labels(Node node) {
        Map<String, String> labels = node.getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }

    private static Set<String> changedKeys(Map<String, String> a, Map<String, String> b) {
        Set<String> keys = new HashSet<>(a.keySet());
        keys.addAll(b.keySet());
        keys.removeIf(k -> Objects.equals(a.get(k), b.get(k)));
        return keys;
    }
}
