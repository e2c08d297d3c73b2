package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Objects;
import java.util.Optional;

/**
 * How Nodes are watched cheaply. The informer keeps only the fields decisions use (so thousands of
 * nodes cost little memory), and only changes to those fields trigger reconciles (kubelet heartbeats
 * update every node every few seconds and must not).
 */
final class NodeCache {
    static final String[] KEPT_FIELDS = {
        "metadata.labels", "spec.taints", "status.nodeInfo.kernelVersion", "status.nodeInfo.bootID", "status.conditions"
    };

    private NodeCache() {}

    static ItemStore<Node> store(KubernetesSerialization serialization) {
        return new ReducedStateItemStore<>(
                ReducedStateItemStore.NAME_KEY_STATE, Node.class, serialization, KEPT_FIELDS);
    }

    /** True when a field the operator decides on changed. */
    static boolean relevantChange(Node newNode, Node oldNode) {
        return !Objects.equals(
                        newNode.getMetadata().getLabels(), oldNode.getMetadata().getLabels())
                || !Objects.equals(taints(newNode), taints(oldNode))
                || !Objects.equals(kernel(newNode), kernel(oldNode))
                || !Objects.equals(bootId(newNode), bootId(oldNode))
                || !Objects.equals(ready(newNode), ready(oldNode));
    }

    private static Object taints(Node n) {
        return n.getSpec() == null ? null : n.getSpec().getTaints();
    }

    private static String kernel(Node n) {
        return n.getStatus() == null || n.getStatus().getNodeInfo() == null
                ? null
                : n.getStatus().getNodeInfo().getKernelVersion();
    }

    private static String bootId(Node n) {
        return n.getStatus() == null || n.getStatus().getNodeInfo() == null
                ? null
                : n.getStatus().getNodeInfo().getBootID();
    }

    private static String ready(Node n) {
        return Optional.ofNullable(n.getStatus())
                .map(s -> s.getConditions())
                .flatMap(cs -> cs.stream()
                        .filter(c -> "Ready".equals(c.getType()))
                        .map(NodeCondition::getStatus)
                        .findFirst())
                .orElse(null);
    }
}
