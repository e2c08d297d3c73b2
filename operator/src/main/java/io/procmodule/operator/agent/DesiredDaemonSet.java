package io.procmodule.operator.agent;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.procmodule.operator.api.ProcModule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/** Renders deploy/daemonset/daemonset.yaml for one ProcModule; changes only the "operator:" fields. */
public final class DesiredDaemonSet {
    static final String TEMPLATE = "daemonset.yaml";

    private DesiredDaemonSet() {}

    public static DaemonSet render(ProcModule pm, String namespace, AgentConfig config) {
        String name = pm.getMetadata().getName();
        DaemonSet ds = Templates.load(TEMPLATE, DaemonSet.class);
        ds.getMetadata().setName(AgentLabels.daemonSetName(name));
        ds.getMetadata().setNamespace(namespace);
        ds.getMetadata().setOwnerReferences(PodTemplates.ownedBy(pm));
        PodTemplates.addLabels(ds.getMetadata(), AgentLabels.instance(name));

        LabelSelector selector = ds.getSpec().getSelector();
        Map<String, String> matchLabels = new LinkedHashMap<>(selector.getMatchLabels());
        matchLabels.putAll(AgentLabels.instance(name));
        selector.setMatchLabels(matchLabels);

        ds.getSpec()
                .getUpdateStrategy()
                .getRollingUpdate()
                .setMaxUnavailable(pm.getSpec().getRollout().getMaxUnavailable());

        PodTemplateSpec template = ds.getSpec().getTemplate();
        PodTemplates.addLabels(template.getMetadata(), AgentLabels.instance(name));
        Map<String, String> annotations = new LinkedHashMap<>();
        if (template.getMetadata().getAnnotations() != null) {
            annotations.putAll(template.getMetadata().getAnnotations());
        }
        annotations.put(AgentLabels.CONFIG_HASH, config.hash());
        template.getMetadata().setAnnotations(annotations);
        // Only nodes the operator labelled first: an agent never loads the module where no record of it
        // exists, so deletion finds every such node even after the operator was down.
        Map<String, String> nodeSelector = new LinkedHashMap<>(pm.getSpec().getNodeSelector());
        nodeSelector.put(AgentLabels.nodeLabel(name), config.moduleName());
        template.getSpec().setNodeSelector(nodeSelector);
        template.getSpec().setTolerations(new ArrayList<>(pm.getSpec().getTolerations()));
        PodTemplates.configureContainers(template.getSpec(), config);

        // Hash of everything rendered, so the reconciler updates exactly when something it owns changed
        // and never fights the API server's defaulting of fields it does not set.
        String specHash = AgentConfig.Hashes.sha256Prefix(Templates.SERIALIZATION.asJson(ds));
        Map<String, String> dsAnnotations = new LinkedHashMap<>();
        if (ds.getMetadata().getAnnotations() != null) {
            dsAnnotations.putAll(ds.getMetadata().getAnnotations());
        }
        dsAnnotations.put(AgentLabels.SPEC_HASH, specHash);
        ds.getMetadata().setAnnotations(dsAnnotations);
        return ds;
    }

    public static String specHash(DaemonSet ds) {
        Map<String, String> annotations = ds.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(AgentLabels.SPEC_HASH);
    }

    public static String configHash(DaemonSet ds) {
        return AgentLabels.configHashOf(ds.getSpec().getTemplate().getMetadata());
    }
}
