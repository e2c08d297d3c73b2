package io.procmodule.operator.agent;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.procmodule.operator.api.ProcModule;
import java.util.ArrayList;
import java.util.List;

/** Renders deploy/daemonset/unload-pod.yaml for one node; changes only the "operator:" fields. */
public final class DesiredUnloadPod {
    static final String TEMPLATE = "unload-pod.yaml";

    private DesiredUnloadPod() {}

    /** Deterministic, so a restarted operator finds the pod it created instead of creating another. */
    public static String name(String procModuleName, String nodeName) {
        return "procmodule-unload-" + procModuleName + "-" + AgentConfig.Hashes.sha256Prefix(nodeName);
    }

    public static Pod render(ProcModule pm, String namespace, AgentConfig config, String nodeName) {
        String name = pm.getMetadata().getName();
        Pod pod = Templates.load(TEMPLATE, Pod.class);
        pod.getMetadata().setName(name(name, nodeName));
        pod.getMetadata().setNamespace(namespace);
        pod.getMetadata().setOwnerReferences(PodTemplates.ownedBy(pm));
        PodTemplates.addLabels(pod.getMetadata(), AgentLabels.instance(name));
        pod.getSpec().setNodeName(nodeName);
        List<Toleration> tolerations = new ArrayList<>();
        if (pod.getSpec().getTolerations() != null) {
            tolerations.addAll(pod.getSpec().getTolerations());
        }
        tolerations.addAll(pm.getSpec().getTolerations());
        pod.getSpec().setTolerations(tolerations);
        PodTemplates.configureContainers(pod.getSpec(), config);
        return pod;
    }
}
