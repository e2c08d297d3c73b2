package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.procmodule.operator.agent.AgentLabels;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the operator keeps of its agent and unload pods: at 5,000 nodes and 20 resources the informer
 * holds 100,000 of them, and a full Pod (three containers' specs, env, volumes, security contexts)
 * is many times what the status is read from. Kept: identity, labels, the config-hash annotation,
 * creation and deletion times, the node, and the phase and container states (no owner: pods are
 * tied to their resource by label). Read by resource and component, and a resource's agent pods
 * node by node ({@link Groups}).
 */
final class PodCache {
    private final Groups<Pod> byResourceAndComponent = new Groups<>(PodCache::resourceAndComponent);
    private final Groups<Pod> agentsByResourceAndNode = new Groups<>(PodCache::agentResourceAndNode);
    private final PrunedItemStore<Pod> store;

    /** @param changed told of every pod stored or removed (see {@link PrunedItemStore}) */
    PodCache(Consumer<Pod> changed) {
        store = new PrunedItemStore<>(
                PodCache::prune, changed, List.of(byResourceAndComponent, agentsByResourceAndNode));
    }

    /** The pod informer's store. */
    ItemStore<Pod> store() {
        return store;
    }

    /**
     * The pods of the ProcModule {@code resource} with this component label (agent or unload). Not
     * {@code Context.getSecondaryResources}: it collects them into a HashSet, and hashing a Pod walks
     * the whole object (tens of milliseconds per reconcile at 5,000 nodes).
     */
    List<Pod> of(String resource, String component) {
        return byResourceAndComponent.get(resource + "/" + component);
    }

    /** The agent pods of the ProcModule {@code resource} on {@code node}. */
    List<Pod> agentsOn(String resource, String node) {
        return agentsByResourceAndNode.get(resource + "/" + node);
    }

    private static String resourceAndComponent(Pod pod) {
        String resource = AgentLabels.procModuleOf(pod.getMetadata());
        String component = AgentLabels.componentOf(pod.getMetadata());
        return resource == null || component == null ? null : resource + "/" + component;
    }

    private static String agentResourceAndNode(Pod pod) {
        String resource = AgentLabels.procModuleOf(pod.getMetadata());
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        boolean agent = AgentLabels.COMPONENT_AGENT.equals(AgentLabels.componentOf(pod.getMetadata()));
        return agent && resource != null && node != null ? resource + "/" + node : null;
    }

    static Pod prune(Pod pod) {
        var meta = pod.getMetadata();
        String hash = AgentLabels.configHashOf(meta);
        PodBuilder b = new PodBuilder()
                .withNewMetadata()
                .withName(meta.getName())
                .withNamespace(meta.getNamespace())
                .withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion())
                .withLabels(meta.getLabels())
                .withAnnotations(hash == null ? null : Map.of(AgentLabels.CONFIG_HASH, hash))
                .withCreationTimestamp(meta.getCreationTimestamp())
                .withDeletionTimestamp(meta.getDeletionTimestamp())
                .endMetadata()
                .withNewSpec()
                .withNodeName(pod.getSpec() == null ? null : pod.getSpec().getNodeName())
                .endSpec();
        if (pod.getStatus() != null) {
            b.withNewStatus()
                    .withPhase(pod.getStatus().getPhase())
                    .withInitContainerStatuses(containers(pod.getStatus().getInitContainerStatuses()))
                    .withContainerStatuses(containers(pod.getStatus().getContainerStatuses()))
                    .endStatus();
        }
        return b.build();
    }

    /** Running or not; why it waits; how it ended. No container ids or times. */
    private static ContainerState state(ContainerState state) {
        if (state == null) {
            return null;
        }
        ContainerStateBuilder b = new ContainerStateBuilder();
        if (state.getRunning() != null) {
            b.withNewRunning().endRunning();
        }
        if (state.getWaiting() != null) {
            b.withNewWaiting()
                    .withReason(state.getWaiting().getReason())
                    .withMessage(state.getWaiting().getMessage())
                    .endWaiting();
        }
        ContainerStateTerminated t = state.getTerminated();
        if (t != null) {
            b.withNewTerminated()
                    .withExitCode(t.getExitCode())
                    .withReason(t.getReason())
                    .withMessage(t.getMessage())
                    .endTerminated();
        }
        return b.build();
    }

    /** Name, readiness and states (with exit codes, reasons and termination messages); no images or ids. */
    private static List<ContainerStatus> containers(List<ContainerStatus> statuses) {
        return statuses == null
                ? List.of()
                : statuses.stream()
                        .map(s -> new ContainerStatusBuilder()
                                .withName(s.getName())
                                .withReady(s.getReady())
                                .withRestartCount(s.getRestartCount())
                                .withState(state(s.getState()))
                                .withLastState(state(s.getLastState()))
                                .build())
                        .toList();
    }
}
