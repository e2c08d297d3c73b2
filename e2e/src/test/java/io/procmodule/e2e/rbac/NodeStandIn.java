package io.procmodule.e2e.rbac;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.procmodule.operator.daemonset.AgentLabels;
import java.util.Map;
import java.util.Objects;

/**
 * The parts of a cluster the mock lacks, as far as the operator reads them: nodes, the DaemonSet
 * controller (one agent pod per node from the current template) and the kubelet (containers run
 * and succeed). Every agent succeeds; failure paths add no API calls the success path lacks.
 */
final class NodeStandIn {
  private final KubernetesClient client;
  private final String namespace;

  NodeStandIn(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  void addNode(String name, String kernel) {
    Node node = new NodeBuilder()
        .withNewMetadata().withName(name).withLabels(Map.of("kubernetes.io/hostname", name)).endMetadata()
        .withNewStatus().withNewNodeInfo().withKernelVersion(kernel).withOperatingSystem("linux").endNodeInfo()
        .endStatus()
        .build();
    client.resource(node).create();
  }

  /** What the DaemonSet controller and kubelets do: current-template pods, verified, on every node. */
  void runAgents(DaemonSet ds) {
    String hash = configHash(ds.getSpec().getTemplate().getMetadata().getAnnotations());
    for (Pod pod : pods(AgentLabels.COMPONENT_AGENT)) {
      if (!Objects.equals(hash, configHash(pod.getMetadata().getAnnotations()))) {
        client.resource(pod).delete();
      }
    }
    for (Node node : client.nodes().list().getItems()) {
      String name = ds.getMetadata().getName() + "-" + node.getMetadata().getName() + "-" + hash;
      if (client.pods().inNamespace(namespace).withName(name).get() == null) {
        Pod pod = new PodBuilder()
            .withNewMetadata().withName(name).withNamespace(namespace)
                .withLabels(ds.getSpec().getTemplate().getMetadata().getLabels())
                .withAnnotations(ds.getSpec().getTemplate().getMetadata().getAnnotations())
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("DaemonSet")
                    .withName(ds.getMetadata().getName()).withUid(ds.getMetadata().getUid()).withController(true)
                    .build())
            .endMetadata()
            .withSpec(ds.getSpec().getTemplate().getSpec())
            .build();
        pod.getSpec().setNodeName(node.getMetadata().getName());
        Pod created = client.resource(pod).create();
        created.setStatus(verified());
        client.resource(created).updateStatus();
      }
    }
  }

  /** Every unload pod runs to completion (phase Succeeded = unload confirmed). */
  int completeUnloads() {
    int completed = 0;
    for (Pod pod : pods(AgentLabels.COMPONENT_UNLOAD)) {
      if (pod.getStatus() == null || !"Succeeded".equals(pod.getStatus().getPhase())) {
        pod.setStatus(new PodStatusBuilder().withPhase("Succeeded")
            .withContainerStatuses(status("unload", terminated("Unloaded\nmodule gone from the node"), false))
            .build());
        client.resource(pod).updateStatus();
        completed++;
      }
    }
    return completed;
  }

  java.util.List<Pod> pods(String component) {
    return client.pods().inNamespace(namespace).withLabel(AgentLabels.COMPONENT, component).list().getItems();
  }

  private static String configHash(Map<String, String> annotations) {
    return annotations == null ? null : annotations.get(AgentLabels.CONFIG_HASH);
  }

  private static PodStatus verified() {
    return new PodStatusBuilder().withPhase("Running")
        .withInitContainerStatuses(status("build", terminated("Built\nbuilt for this kernel"), true),
            status("load", terminated("Loaded\nloaded; entry verified"), true))
        .withContainerStatuses(status("verify", new ContainerStateBuilder().withNewRunning().endRunning().build(), true))
        .build();
  }

  private static ContainerStatus status(String name, ContainerState state, boolean ready) {
    return new ContainerStatusBuilder().withName(name).withState(state).withReady(ready).build();
  }

  private static ContainerState terminated(String message) {
    return new ContainerStateBuilder().withNewTerminated().withExitCode(0).withReason("Completed")
        .withMessage(message).endTerminated().build();
  }
}
