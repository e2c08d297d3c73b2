package io.procmodule.operator.agent;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.procmodule.operator.api.ProcModule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The edits the agent DaemonSet and the unload pod have in common. */
final class PodTemplates {
    private PodTemplates() {}

    /** Sets image and the PM_* variables on every container, keeping the template's other variables. */
    static void configureContainers(PodSpec spec, AgentConfig config) {
        Stream.concat(spec.getInitContainers().stream(), spec.getContainers().stream())
                .forEach(c -> configure(c, config));
    }

    private static void configure(Container container, AgentConfig config) {
        container.setImage(config.image());
        Map<String, EnvVar> env = new LinkedHashMap<>();
        if (container.getEnv() != null) {
            container.getEnv().forEach(e -> env.put(e.getName(), e));
        }
        env.put(AgentConfig.ENV_ENTRY_NAME, literal(AgentConfig.ENV_ENTRY_NAME, config.entryName()));
        env.put(AgentConfig.ENV_MESSAGE, literal(AgentConfig.ENV_MESSAGE, config.message()));
        env.put(AgentConfig.ENV_MODULE_NAME, literal(AgentConfig.ENV_MODULE_NAME, config.moduleName()));
        container.setEnv(new ArrayList<>(env.values()));
    }

    /**
     * An env var whose value reaches the container byte for byte. The kubelet expands {@code $(VAR)}
     * in {@code EnvVar.value} and turns {@code $$} into {@code $}; doubling every {@code $} is the
     * exact inverse, so no user text can reference another variable or lose a {@code $}.
     */
    static EnvVar literal(String name, String value) {
        return new EnvVar(name, value.replace("$", "$$"), null);
    }

    /** Adds {@code extra} to the labels, keeping the template's. */
    static void addLabels(ObjectMeta metadata, Map<String, String> extra) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (metadata.getLabels() != null) {
            labels.putAll(metadata.getLabels());
        }
        labels.putAll(extra);
        metadata.setLabels(labels);
    }

    /**
     * Controller owner reference to the (cluster-scoped) ProcModule. Being the controller also keeps
     * the DaemonSet controller from adopting unload pods its selector happens to match.
     */
    static List<OwnerReference> ownedBy(ProcModule pm) {
        return List.of(new OwnerReferenceBuilder()
                .withApiVersion(pm.getApiVersion())
                .withKind(pm.getKind())
                .withName(pm.getMetadata().getName())
                .withUid(pm.getMetadata().getUid())
                .withController(true)
                .build());
    }
}
