package io.procmodule.e2e.rbac;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.procmodule.e2e.RepoFiles;
import java.util.LinkedHashMap;
import java.util.Map;

/** The environment the shipped Deployment gives the operator, with the downward API resolved. */
public final class DeploymentEnv {
    static final String DEPLOYMENT = "deploy/manifests/deployment.yaml";

    private DeploymentEnv() {}

    public static Map<String, String> operatorEnv() {
        Deployment deployment = new KubernetesSerialization().unmarshal(RepoFiles.read(DEPLOYMENT), Deployment.class);
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
}
