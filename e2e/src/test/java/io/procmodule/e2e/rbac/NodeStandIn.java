package io.procmodule.e2e.rbac;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.testing.DaemonSetController;
import io.procmodule.operator.testing.PodStatuses;
import io.procmodule.operator.testing.TestNodes;
import java.util.List;

/**
 * The parts of a cluster the mock lacks, as far as the operator reads them: nodes, the DaemonSet
 * controller (the shared stand-in) and the kubelet (containers run and succeed). Every agent
 * succeeds; failure paths add no API calls the success path lacks.
 */
final class NodeStandIn {
    private final KubernetesClient client;
    private final String namespace;
    private final DaemonSetController daemonSets;

    NodeStandIn(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        this.daemonSets = new DaemonSetController(client);
    }

    void addNode(String name, String kernel) {
        client.resource(TestNodes.node(name, kernel)).create();
    }

    /** One pass of the DaemonSet controller; then every new agent pod is verified by its kubelet. */
    void runAgents() {
        daemonSets.sync();
        for (Pod pod : pods(AgentLabels.COMPONENT_AGENT)) {
            if (pod.getStatus() == null || pod.getStatus().getPhase() == null) {
                pod.setStatus(PodStatuses.agentVerified("Loaded"));
                client.resource(pod).updateStatus();
            }
        }
    }

    /** Every unload pod runs to completion (phase Succeeded = unload confirmed). */
    int completeUnloads() {
        int completed = 0;
        for (Pod pod : pods(AgentLabels.COMPONENT_UNLOAD)) {
            if (pod.getStatus() == null || !"Succeeded".equals(pod.getStatus().getPhase())) {
                pod.setStatus(PodStatuses.unloadSucceeded("Unloaded"));
                client.resource(pod).updateStatus();
                completed++;
            }
        }
        return completed;
    }

    List<Pod> pods(String component) {
        return client.pods()
                .inNamespace(namespace)
                .withLabel(AgentLabels.COMPONENT, component)
                .list()
                .getItems();
    }
}
