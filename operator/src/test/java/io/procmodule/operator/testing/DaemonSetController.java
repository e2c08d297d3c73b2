package io.procmodule.operator.testing;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.reconciler.NodeSelection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the DaemonSet controller, modelling only what the operator reads: one Pod per
 * selected node (named {@code <ds>-<node>}, template labels and annotations, controller owner
 * reference, {@code spec.nodeName}), Pods recreated when deleted and removed from nodes that left
 * the selection, and the RollingUpdate of Kubernetes' {@code pkg/controller/daemon/update.go} with
 * maxSurge 0: an outdated Pod that is not available is replaced at once, an available one only
 * while fewer than maxUnavailable nodes are unavailable. An outdated Pod is one whose
 * {@code procmodule.io/config-hash} differs from the template's (the real controller compares
 * its controller-revision hash, which changes with the same template edits).
 *
 * <p>The one DaemonSet-controller stand-in: the operator's scenario tests drive it step by step, the
 * simulated cluster (e2e) runs it in a loop.
 *
 * <p>Not modelled: DaemonSet status, ControllerRevisions, maxSurge, minReadySeconds, the scheduler
 * (node affinity, resources); node selection is the operator's own {@link NodeSelection}, which
 * reproduces the controller's nodeSelector + taints/tolerations rule.
 */
public final class DaemonSetController {
    private static final Logger LOG = LoggerFactory.getLogger(DaemonSetController.class);
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final KubernetesClient client;

    public DaemonSetController(KubernetesClient client) {
        this.client = client;
    }

    public void sync() {
        List<Node> nodes = client.nodes().list().getItems();
        List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
        for (DaemonSet ds : client.apps().daemonSets().inAnyNamespace().list().getItems()) {
            if (ds.getMetadata().getDeletionTimestamp() == null) {
                try {
                    sync(ds, nodes, ownedBy(ds, pods));
                } catch (KubernetesClientException e) {
                    LOG.warn("DaemonSet {}: {}", ds.getMetadata().getName(), e.getMessage());
                }
            }
        }
    }

    private void sync(DaemonSet ds, List<Node> nodes, List<Pod> pods) {
        PodSpec template = ds.getSpec().getTemplate().getSpec();
        List<String> selected = nodes.stream()
                .filter(NodeSelection.selector(
                        Optional.ofNullable(template.getNodeSelector()).orElse(Map.of()),
                        Optional.ofNullable(template.getTolerations()).orElse(List.of()),
                        n -> pods.stream()
                                .anyMatch(p -> n.getMetadata()
                                        .getName()
                                        .equals(p.getSpec().getNodeName()))))
                .map(n -> n.getMetadata().getName())
                .toList();
        Map<String, Pod> byNode = pods.stream()
                .collect(Collectors.toMap(p -> p.getSpec().getNodeName(), Function.identity(), (a, b) -> a));
        for (Pod pod : pods) {
            if (!selected.contains(pod.getSpec().getNodeName())) {
                delete(pod, "its node is no longer selected");
            }
        }
        for (String node : selected) {
            if (!byNode.containsKey(node)) {
                client.pods()
                        .inNamespace(ds.getMetadata().getNamespace())
                        .resource(podFor(ds, node))
                        .create();
                LOG.info(
                        "DaemonSet {}: created pod for node {}",
                        ds.getMetadata().getName(),
                        node);
            }
        }
        rollingUpdate(ds, selected, byNode);
    }

    /** update.go rollingUpdate with maxSurge 0. */
    private void rollingUpdate(DaemonSet ds, List<String> selected, Map<String, Pod> byNode) {
        String current = configHash(ds.getSpec().getTemplate().getMetadata().getAnnotations());
        int maxUnavailable = maxUnavailable(ds, selected.size());
        int unavailable = 0;
        List<Pod> replaceNow = new ArrayList<>();
        List<Pod> candidates = new ArrayList<>();
        for (String node : selected) {
            Pod pod = byNode.get(node);
            if (pod == null) {
                unavailable++;
            } else if (Objects.equals(current, configHash(pod.getMetadata().getAnnotations()))) {
                if (!available(pod)) {
                    unavailable++;
                }
            } else if (!available(pod)) {
                replaceNow.add(pod);
            } else if (unavailable < maxUnavailable) {
                candidates.add(pod);
            }
        }
        int budget = Math.max(0, Math.min(maxUnavailable - unavailable, candidates.size()));
        replaceNow.addAll(candidates.subList(0, budget));
        replaceNow.forEach(p -> delete(p, "outdated (rolling update)"));
    }

    static int maxUnavailable(DaemonSet ds, int desired) {
        IntOrString value = ds.getSpec().getUpdateStrategy() == null
                        || ds.getSpec().getUpdateStrategy().getRollingUpdate() == null
                ? null
                : ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable();
        if (value == null) {
            return 1;
        }
        int scaled = value.getIntVal() != null
                ? value.getIntVal()
                : (int) Math.ceil(Integer.parseInt(value.getStrVal().replace("%", "")) * desired / 100.0);
        // With maxSurge 0 the controller never lets the budget drop to 0.
        return Math.max(1, scaled);
    }

    private static boolean available(Pod pod) {
        return pod.getStatus() != null
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private Pod podFor(DaemonSet ds, String node) {
        var template = ds.getSpec().getTemplate();
        Pod pod = new Pod();
        pod.setMetadata(new ObjectMetaBuilder()
                .withName(ds.getMetadata().getName() + "-" + node)
                .withNamespace(ds.getMetadata().getNamespace())
                .withLabels(copy(template.getMetadata().getLabels()))
                .withAnnotations(copy(template.getMetadata().getAnnotations()))
                .withOwnerReferences(controllerReference(ds))
                .build());
        // A deep copy: the template must not share objects with the Pod.
        PodSpec spec = SERIALIZATION.clone(template.getSpec());
        spec.setNodeName(node);
        pod.setSpec(spec);
        return pod;
    }

    private void delete(Pod pod, String why) {
        client.pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .delete();
        LOG.info("DaemonSet pod {} deleted: {}", pod.getMetadata().getName(), why);
    }

    private static List<Pod> ownedBy(DaemonSet ds, List<Pod> pods) {
        return pods.stream()
                .filter(p -> p.getMetadata().getOwnerReferences() != null
                        && p.getMetadata().getOwnerReferences().stream()
                                .anyMatch(o -> ds.getMetadata().getUid().equals(o.getUid())))
                .toList();
    }

    private static OwnerReference controllerReference(DaemonSet ds) {
        return new OwnerReferenceBuilder()
                .withApiVersion("apps/v1")
                .withKind("DaemonSet")
                .withName(ds.getMetadata().getName())
                .withUid(ds.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    private static String configHash(Map<String, String> annotations) {
        return annotations == null ? null : annotations.get(AgentLabels.CONFIG_HASH);
    }

    private static Map<String, String> copy(Map<String, String> map) {
        return map == null ? null : new LinkedHashMap<>(map);
    }
}
