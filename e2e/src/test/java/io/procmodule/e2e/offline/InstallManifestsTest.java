package io.procmodule.e2e.offline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.procmodule.e2e.RepoFiles;
import io.procmodule.e2e.rbac.DeploymentEnv;
import io.procmodule.operator.OperatorConfig;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The install manifests fit together and run the operator the way OperatorConfig and
 * the README's "Operator configuration" paragraph describe it. */
class InstallManifestsTest {
    private static <T> T manifest(String file, Class<T> type) {
        return type.cast(StrictYaml.decodeKubernetesObject(
                StrictYaml.documents(RepoFiles.read("deploy/manifests/" + file)).get(0)));
    }

    private static Deployment deployment() {
        return manifest("deployment.yaml", Deployment.class);
    }

    private static Container operator() {
        return deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    @Test
    void namespaceAdmitsThePrivilegedAgentPods() {
        Namespace ns = manifest("namespace.yaml", Namespace.class);
        assertThat(ns.getMetadata().getName()).isEqualTo(OperatorConfig.DEFAULT_NAMESPACE);
        assertThat(ns.getMetadata().getLabels()).containsEntry("pod-security.kubernetes.io/enforce", "privileged");
        assertThat(deployment().getMetadata().getNamespace())
                .isEqualTo(ns.getMetadata().getName());
    }

    @Test
    void bindingsGiveTheRolesToTheOperatorsServiceAccount() {
        ServiceAccount sa = manifest("service-account.yaml", ServiceAccount.class);
        assertThat(deployment().getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo(sa.getMetadata().getName());
        Subject expected = new Subject(
                null,
                "ServiceAccount",
                sa.getMetadata().getName(),
                sa.getMetadata().getNamespace());
        ClusterRoleBinding crb = manifest("cluster-role-binding.yaml", ClusterRoleBinding.class);
        assertThat(crb.getRoleRef().getKind()).isEqualTo("ClusterRole");
        assertThat(crb.getRoleRef().getName()).isEqualTo("procmodule-operator");
        assertThat(crb.getSubjects()).containsExactly(expected);
        RoleBinding rb = manifest("role-binding.yaml", RoleBinding.class);
        assertThat(rb.getMetadata().getNamespace()).isEqualTo(sa.getMetadata().getNamespace());
        assertThat(rb.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(rb.getRoleRef().getName()).isEqualTo("procmodule-operator");
        assertThat(rb.getSubjects()).containsExactly(expected);
        RoleBinding events = manifest("events-role-binding.yaml", RoleBinding.class);
        assertThat(events.getMetadata().getNamespace()).isEqualTo("default");
        assertThat(events.getRoleRef().getName()).isEqualTo("procmodule-operator-events");
        assertThat(events.getSubjects()).containsExactly(expected);
    }

    @Test
    void environmentIsWhatTheOperatorReads() {
        Map<String, EnvVar> env = operator().getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertThat(env)
                .containsOnlyKeys(
                        "OPERATOR_NAMESPACE",
                        "AGENT_IMAGE",
                        "LEADER_ELECTION",
                        "POD_NAME",
                        "POD_NAMESPACE",
                        "HTTP_PORT");
        assertThat(env.get("OPERATOR_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.namespace");
        assertThat(env.get("POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.namespace");
        assertThat(env.get("POD_NAME").getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.name");
        assertThat(env.get("LEADER_ELECTION").getValue()).isEqualTo("true");
        assertThat(env.get("AGENT_IMAGE").getValueFrom().getConfigMapKeyRef().getName())
                .isEqualTo("procmodule-images");
        assertThat(DeploymentEnv.operatorEnv()).containsEntry("AGENT_IMAGE", OperatorConfig.DEFAULT_AGENT_IMAGE);

        // Probes reach the port the operator listens on.
        int port = Integer.parseInt(env.get("HTTP_PORT").getValue());
        assertThat(operator().getPorts())
                .extracting(ContainerPort::getName, ContainerPort::getContainerPort)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("http", port));
        assertThat(operator().getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(operator().getLivenessProbe().getHttpGet().getPort().getStrVal())
                .isEqualTo("http");
        assertThat(operator().getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        Probe startup = operator().getStartupProbe();
        assertThat(startup.getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(Duration.ofSeconds((long) startup.getPeriodSeconds() * startup.getFailureThreshold()))
                .as("liveness waits while the first lists may still be coming in")
                .isGreaterThan(OperatorConfig.DEFAULT_CACHE_SYNC_TIMEOUT);
        assertThat(operator().getReadinessProbe().getHttpGet().getPort().getStrVal())
                .isEqualTo("http");
    }

    @Test
    void operatorRunsLockedDown() {
        PodSpec pod = deployment().getSpec().getTemplate().getSpec();
        assertThat(pod.getAutomountServiceAccountToken())
                .as("the operator is an API client")
                .isTrue();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        var sc = operator().getSecurityContext();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(operator().getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(operator().getResources().getLimits()).containsKey("memory");
    }
}
