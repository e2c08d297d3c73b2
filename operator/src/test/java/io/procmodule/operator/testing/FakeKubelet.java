package io.procmodule.operator.testing;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.procmodule.operator.agent.AgentLabels;
import java.util.List;

/** Stands in for the kubelet: writes the pod statuses of {@link PodStatuses} to pods on a node. */
public class FakeKubelet {
    private final KubernetesClient client;
    private final String namespace;

    public FakeKubelet(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    public Pod agentPod(String procModule, String node) {
        return only(pods(procModule, AgentLabels.COMPONENT_AGENT, node), "agent", procModule, node);
    }

    public Pod unloadPod(String procModule, String node) {
        return only(pods(procModule, AgentLabels.COMPONENT_UNLOAD, node), "unload", procModule, node);
    }

    public List<Pod> unloadPods(String procModule) {
        return pods(procModule, AgentLabels.COMPONENT_UNLOAD, null);
    }

    public void report(String procModule, String node, PodStatus status) {
        setStatus(agentPod(procModule, node), status);
    }

    public void reportUnload(String procModule, String node, PodStatus status) {
        setStatus(unloadPod(procModule, node), status);
    }

    public void setStatus(Pod pod, PodStatus status) {
        Pod fresh = client.pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .get();
        fresh.setStatus(status);
        client.pods()
                .inNamespace(fresh.getMetadata().getNamespace())
                .resource(fresh)
                .updateStatus();
    }

    private List<Pod> pods(String procModule, String component, String node) {
        return client
                .pods()
                .inNamespace(namespace)
                .withLabel(AgentLabels.INSTANCE, procModule)
                .withLabel(AgentLabels.COMPONENT, component)
                .list()
                .getItems()
                .stream()
                .filter(p -> node == null || node.equals(p.getSpec().getNodeName()))
                .toList();
    }

    private static Pod only(List<Pod> pods, String kind, String procModule, String node) {
        if (pods.size() != 1) {
            throw new AssertionError("expected one " + kind + " pod of " + procModule + " on " + node + ", found "
                    + pods.stream().map(p -> p.getMetadata().getName()).toList());
        }
        return pods.get(0);
    }
}
