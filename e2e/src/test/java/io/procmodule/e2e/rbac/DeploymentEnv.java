package io.procmodule.e2e.rbac;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.procmodule.e2e.RepoFiles;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment the shipped Deployment gives the operator, with the downward API and the
 * kustomization's generated ConfigMap resolved.
 */
public final class DeploymentEnv {
    static final String DEPLOYMENT = "deploy/manifests/deployment.yaml";
    static final String KUSTOMIZATION = "deploy/kustomization.yaml";

    private DeploymentEnv() {}

    /** How long the kubelet waits after SIGTERM before SIGKILL (Kubernetes' default unless the pod sets it). */
    public static Duration terminationGracePeriod() {
        Long seconds = deployment().getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        return Duration.ofSeconds(seconds == null ? 30 : seconds);
    }

    public static Map<String, String> operatorEnv() {
        Deployment deployment = deployment();
        String namespace = deployment.getMetadata().getNamespace();
        String podName = deployment.getMetadata().getName() + "-0";
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar var : deployment
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv()) {
            if (var.getValueFrom() == null) {
                env.put(var.getName(), var.getValue());
                continue;
            }
            if (var.getValueFrom().getConfigMapKeyRef() != null) {
                var ref = var.getValueFrom().getConfigMapKeyRef();
                env.put(var.getName(), generatedConfigMapValue(ref.getName(), ref.getKey()));
                continue;
            }
            String field = var.getValueFrom().getFieldRef().getFieldPath();
            env.put(
                    var.getName(),
                    switch (field) {
                        case "metadata.namespace" -> namespace;
                        case "metadata.name" -> podName;
                        default ->
                            throw new IllegalStateException(
                                    DEPLOYMENT + ": downward API field " + field + " not modelled");
                    });
        }
        return env;
    }

    private static Deployment deployment() {
        return new KubernetesSerialization().unmarshal(RepoFiles.read(DEPLOYMENT), Deployment.class);
    }

    /** A value of a ConfigMap that deploy/kustomization.yaml generates from literals. */
    @SuppressWarnings("unchecked")
    static String generatedConfigMapValue(String name, String key) {
        Map<String, Object> kustomization =
                new KubernetesSerialization().unmarshal(RepoFiles.read(KUSTOMIZATION), Map.class);
        for (Map<String, Object> generator :
                (List<Map<String, Object>>) kustomization.getOrDefault("configMapGenerator", List.of())) {
            if (!name.equals(generator.get("name"))) {
                continue;
            }
            for (String literal : (List<String>) generator.get("literals")) {
                if (literal.startsWith(key + "=")) {
                    return literal.substring(key.length() + 1);
                }
            }
        }
        throw new IllegalStateException(KUSTOMIZATION + " generates no ConfigMap " + name + " with key " + key);
    }
}
