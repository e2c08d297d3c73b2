package io.procmodule.operator.testing;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.procmodule.operator.agent.AgentConfig;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.agent.DesiredDaemonSet;
import io.procmodule.operator.reconciler.NodeSelection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Stands in for the DaemonSet controller and garbage collector the mock API server lacks: one pod
 * per selected node from the pod template (labels, annotations, owner reference, spec.nodeName),
 * pods of an older template replaced, pods on unselected nodes and pods of deleted DaemonSets removed.
 * It models only what the operator reads.
 */
public class FakeDaemonSetController {
    private final KubernetesClient client;
    private final String namespace;

    public FakeDaemonSetController(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** One full pass: create missing pods, replace outdated ones, remove unselected and orphaned ones. */
    public void sync() {
        createMissing();
        replaceOutdated();
        removeUnselectedAndOrphans();
    }

    public void createMissing() {
        List<Node> nodes = client.nodes().list().getItems();
        for (DaemonSet ds : daemonSets()) {
            Set<String> withPod =
                    podsOf(ds).stream().map(p -> p.getSpec().getNodeName()).collect(Collectors.toSet());
            selectedNodes(ds, nodes).stream().filter(n -> !withPod.contains(n)).forEach(n -> createPod(ds, n));
        }
    }

    /** What a RollingUpdate does, all at once: pods whose config hash differs from the template go. */
    public void replaceOutdated() {
        for (DaemonSet ds : daemonSets()) {
            String hash = DesiredDaemonSet.configHash(ds);
            podsOf(ds).stream()
                    .filter(p -> !Objects.equals(hash, annotation(p)))
                    .forEach(p -> {
                        client.resource(p).delete();
                        createPod(ds, p.getSpec().getNodeName());
                    });
        }
    }

    public void removeUnselectedAndOrphans() {
        List<Node> nodes = client.nodes().list().getItems();
        Map<String, DaemonSet> byName = daemonSets().stream()
                .collect(Collectors.toMap(ds -> ds.getMetadata().getName(), ds -> ds));
        for (Pod pod : agentPods()) {
            String owner = pod.getMetadata().getOwnerReferences().get(0).getName();
            DaemonSet ds = byName.get(owner);
            if (ds == null || !selectedNodes(ds, nodes).contains(pod.getSpec().getNodeName())) {
                client.resource(pod).delete();
            }
        }
    }

    public List<Pod> agentPods() {
        return client.pods()
                .inNamespace(namespace)
                .withLabel(AgentLabels.COMPONENT, AgentLabels.COMPONENT_AGENT)
                .list()
                .getItems();
    }

    private List<DaemonSet> daemonSets() {
        return client.apps()
                .daemonSets()
                .inNamespace(namespace)
                .withLabel(AgentLabels.MANAGED_BY, AgentLabels.MANAGED_BY_VALUE)
                .list()
                .getItems();
    }

    private List<Pod> podsOf(DaemonSet ds) {
        return agentPods().stream()
                .filter(p -> p.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> o.getUid().equals(ds.getMetadata().getUid())))
                .toList();
    }

    private static Set<String> selectedNodes(DaemonSet ds, List<Node> nodes) {
        var spec = ds.getSpec().getTemplate().getSpec();
        return NodeSelection.desired(spec.getNodeSelector(), spec.getTolerations(), nodes.stream()).stream()
                .map(n -> n.getMetadata().getName())
                .collect(Collectors.toSet());
    }

    private void createPod(DaemonSet ds, String node) {
        var template = ds.getSpec().getTemplate();
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName(ds.getMetadata().getName() + "-"
                        + AgentConfig.Hashes.sha256Prefix(
                                        node + annotation(template.getMetadata().getAnnotations()))
                                .substring(0, 5))
                .withNamespace(namespace)
                .withLabels(template.getMetadata().getLabels())
                .withAnnotations(template.getMetadata().getAnnotations())
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion("apps/v1")
                        .withKind("DaemonSet")
                        .withName(ds.getMetadata().getName())
                        .withUid(ds.getMetadata().getUid())
                        .withController(true)
                        .build())
                .endMetadata()
                .withSpec(template.getSpec())
                .build();
        pod.getSpec().setNodeName(node);
        client.resource(pod).create();
    }

    private static String annotation(Pod pod) {
        return annotation(pod.getMetadata().getAnnotations());
    }

    private static String annotation(Map<String, String> annotations) {
        return annotations == null ? null : annotations.get(AgentLabels.CONFIG_HASH);
    }
}
