package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How Nodes are watched cheaply. The informer keeps only the fields decisions use (so thousands of
 * nodes cost little memory and are read without copying), and only changes to those fields trigger reconciles (kubelet heartbeats
 * update every node every few seconds and must not).
 */
final class NodeCache {
    private NodeCache() {}

    /** @param changed told of every node stored or removed (see {@link PrunedItemStore}) */
    static ItemStore<Node> store(Consumer<Node> changed) {
        return new PrunedItemStore<>(NodeCache::prune, changed, List.of());
    }

    /**
     * What the operator keeps of a node: name, labels, taints, kernel, boot id and the Ready
     * condition's status (heartbeat times change every few minutes and are not kept).
     */
    static Node prune(Node node) {
        NodeBuilder b = new NodeBuilder()
                .withNewMetadata()
                .withName(node.getMetadata().getName())
                .withUid(node.getMetadata().getUid())
                .withResourceVersion(node.getMetadata().getResourceVersion())
                .withLabels(node.getMetadata().getLabels())
                .endMetadata();
        if (node.getSpec() != null && node.getSpec().getTaints() != null) {
            b.withNewSpec().withTaints(node.getSpec().getTaints()).endSpec();
        }
        String ready = ready(node);
        b.withNewStatus()
                .withNewNodeInfo()
                .withKernelVersion(kernel(node))
                .withBootID(bootId(node))
                .endNodeInfo()
                .withConditions(
                        ready == null
                                ? List.of()
                                : List.of(new NodeConditionBuilder()
                                        .withType("Ready")
                                        .withStatus(ready)
                                        .build()))
                .endStatus();
        return b.build();
    }

    static Object taints(Node n) {
        return n.getSpec() == null ? null : n.getSpec().getTaints();
    }

    static String kernel(Node n) {
        return n.getStatus() == null || n.getStatus().getNodeInfo() == null
                ? null
                : n.getStatus().getNodeInfo().getKernelVersion();
    }

    static String bootId(Node n) {
        return n.getStatus() == null || n.getStatus().getNodeInfo() == null
                ? null
                : n.getStatus().getNodeInfo().getBootID();
    }

    static String ready(Node n) {
        return Optional.ofNullable(n.getStatus())
                .map(s -> s.getConditions())
                .flatMap(cs -> cs.stream()
                        .filter(c -> "Ready".equals(c.getType()))
                        .map(NodeCondition::getStatus)
                        .findFirst())
                .orElse(null);
    }
}
