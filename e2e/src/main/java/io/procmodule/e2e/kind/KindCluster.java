package io.procmodule.e2e.kind;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.procmodule.e2e.HostProcess;
import io.procmodule.e2e.cluster.ApiServerCluster;
import io.procmodule.operator.api.ProcModule;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A kind cluster named by the current kubeconfig context, with the operator installed
 * ({@code hack/demo --kind} does that). Resources go through a real fabric8 client; node
 * reads run {@code docker exec <node>} (kind nodes are containers named after the node);
 * {@code kubectl get} runs the kubectl binary so the printed table is the real one.
 */
public final class KindCluster extends ApiServerCluster {
    private static final String CRD = ProcModule.PLURAL + "." + ProcModule.GROUP;
    // The first build compiles the module against the host's headers on a shared CI runner.
    private static final Duration ROLLOUT_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration HOST_TIMEOUT = Duration.ofMinutes(2);

    private final String context;

    private KindCluster(KubernetesClient client, String context) {
        super(client);
        this.context = context;
    }

    /** Thrown by {@link #connect()} with a reason a person can act on. */
    public static final class Unavailable extends Exception {
        Unavailable(String reason) {
            super(reason);
        }
    }

    /**
     * Connects to the current kubeconfig context. Refuses anything but a reachable kind cluster
     * with the operator running: the suite loads kernel modules into that cluster's host kernel.
     */
    public static KindCluster connect() throws Unavailable {
        if (!available(List.of("docker", "version"))) {
            throw new Unavailable("docker is not usable (needed to read /proc on kind nodes)");
        }
        if (!available(List.of("kubectl", "version", "--client"))) {
            throw new Unavailable("kubectl is not installed");
        }
        Config config = Config.autoConfigure(null);
        String context = config.getCurrentContext() == null
                ? null
                : config.getCurrentContext().getName();
        if (context == null) {
            throw new Unavailable("no current kubeconfig context (create one with hack/demo --kind)");
        }
        if (!context.startsWith("kind-")) {
            throw new Unavailable("current kubeconfig context '" + context + "' is not a kind cluster (kind-*)");
        }
        probeApiServer(context);
        KubernetesClient client =
                new KubernetesClientBuilder().withConfig(config).build();
        Optional<String> notInstalled = operatorMissing(client);
        if (notInstalled.isPresent()) {
            client.close();
            throw new Unavailable(notInstalled.get() + " in context '" + context
                    + "' (install with hack/demo --kind, or kubectl apply -k deploy/)");
        }
        return new KindCluster(client, context);
    }

    /** One quick request without the client's retries, so an absent cluster is reported at once. */
    private static void probeApiServer(String context) throws Unavailable {
        Config config = Config.autoConfigure(context);
        config.setRequestRetryBackoffLimit(0);
        config.setConnectionTimeout(5_000);
        config.setRequestTimeout(10_000);
        try (KubernetesClient probe =
                new KubernetesClientBuilder().withConfig(config).build()) {
            probe.getKubernetesVersion();
        } catch (KubernetesClientException e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new Unavailable("API server of context '" + context + "' (" + config.getMasterUrl()
                    + ") is not reachable: " + cause);
        }
    }

    private static Optional<String> operatorMissing(KubernetesClient client) {
        if (client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .withName(CRD)
                        .get()
                == null) {
            return Optional.of("CRD " + CRD + " is not installed");
        }
        Deployment operator = client.apps()
                .deployments()
                .inNamespace(OPERATOR_NAMESPACE)
                .withName(OPERATOR_DEPLOYMENT)
                .get();
        Integer ready = operator == null || operator.getStatus() == null
                ? null
                : operator.getStatus().getReadyReplicas();
        if (ready == null || ready < 1) {
            return Optional.of(
                    "operator deployment " + OPERATOR_NAMESPACE + "/" + OPERATOR_DEPLOYMENT + " is not ready");
        }
        return Optional.empty();
    }

    public String context() {
        return context;
    }

    @Override
    protected HostProcess.Result onNode(String node, List<String> argv) {
        List<String> command = new ArrayList<>(List.of("docker", "exec", node));
        command.addAll(argv);
        return HostProcess.run(command, HOST_TIMEOUT);
    }

    @Override
    public String kubectlGetProcModules() {
        List<String> argv = List.of("kubectl", "--context", context, "get", "procmodules");
        return HostProcess.run(argv, HOST_TIMEOUT).outputOrThrow(argv);
    }

    @Override
    public Duration rolloutTimeout() {
        return ROLLOUT_TIMEOUT;
    }

    @Override
    public void close() {
        client().close();
    }

    /** Whether a program is installed and usable: its version command starts and exits 0. */
    private static boolean available(List<String> versionArgv) {
        try {
            return HostProcess.run(versionArgv, HOST_TIMEOUT).exitCode() == 0;
        } catch (UncheckedIOException e) {
            return false;
        }
    }
}
