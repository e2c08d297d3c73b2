package io.procmodule.e2e.nodes;

import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.procmodule.e2e.HostProcess;
import io.procmodule.e2e.RepoFiles;
import io.procmodule.e2e.cluster.ApiServerCluster;
import io.procmodule.operator.OperatorConfig;
import io.procmodule.operator.ProcModuleOperator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster of {@code hack/cluster}: the real control plane and three QEMU VM nodes running the real
 * kubelet, containerd and runc, installed with {@code kubectl apply -k hack/overlays/local} (deploy/ with
 * the agent image the nodes have imported, the operator Deployment at zero replicas). The operator runs
 * in this JVM exactly as {@code main} builds it, authenticated as its ServiceAccount with a TokenRequest
 * token, so the real RBAC decides every call. Nothing here stands in for a Kubernetes component.
 */
public final class RealNodesCluster extends ApiServerCluster {
    // A cold module build in a TCG VM sharing 2 host cores with two other VMs: minutes each.
    private static final Duration ROLLOUT_TIMEOUT = Duration.ofMinutes(20);
    private static final Duration UP_TIMEOUT = Duration.ofMinutes(60);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration REBOOT_TIMEOUT = Duration.ofMinutes(10);

    private final Path stateDir;
    private final Path kubeconfig;
    private final Path kubectl;
    private KubernetesClient operatorClient;
    private Operator operator;

    private RealNodesCluster(Path stateDir, Path kubeconfig, Path kubectl) {
        super(new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(read(kubeconfig)))
                .build());
        this.stateDir = stateDir;
        this.kubeconfig = kubeconfig;
        this.kubectl = kubectl;
    }

    /** Why this machine cannot run the cluster (hack/cluster's own preflight decides), or empty. */
    public static Optional<String> unavailableReason() {
        if (!Files.isExecutable(Path.of("/usr/bin/socat"))) {
            return Optional.of("socat is missing (hack/setup installs it)");
        }
        if (!"0"
                .equals(HostProcess.run(List.of("id", "-u"), COMMAND_TIMEOUT)
                        .stdout()
                        .strip())) {
            return Optional.of("not root: the cluster needs a network namespace and tap devices");
        }
        return Optional.empty();
    }

    /**
     * {@code hack/cluster up NODES} with its state in {@code stateDir} (a cluster left by an aborted run
     * is taken down first), the overlay installed, then the operator started.
     */
    public static RealNodesCluster start(Path stateDir, List<String> nodes) {
        script(stateDir, COMMAND_TIMEOUT, "down");
        List<String> up = new ArrayList<>(List.of("up"));
        up.addAll(nodes);
        HostProcess.Result booted = script(stateDir, UP_TIMEOUT, up.toArray(String[]::new));
        // Its report (image cache, per-node boot-to-Ready times) belongs in the test output.
        System.out.print(booted.stderr());
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> script(stateDir, COMMAND_TIMEOUT, "down"), "cluster-down"));
        Path kubeconfig = null;
        Path bin = null;
        for (String line :
                script(stateDir, COMMAND_TIMEOUT, "env").stdout().lines().toList()) {
            if (line.startsWith("export KUBECONFIG='")) {
                kubeconfig = Path.of(line.substring("export KUBECONFIG='".length(), line.indexOf('\'', 19)));
            } else if (line.startsWith("export PATH='")) {
                bin = Path.of(line.substring("export PATH='".length(), line.indexOf('\'', 13)));
            }
        }
        if (kubeconfig == null || bin == null) {
            throw new IllegalStateException("hack/cluster env printed no KUBECONFIG or PATH");
        }
        RealNodesCluster cluster = new RealNodesCluster(stateDir, kubeconfig, bin.resolve("kubectl"));
        try {
            cluster.kubectlOrThrow(
                    "apply", "-k", RepoFiles.path("hack/overlays/local").toString());
            cluster.kubectlOrThrow(
                    "wait", "--for=condition=Established", "--timeout=60s", "crd/procmodules.procmodule.io");
            cluster.startOperator();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** As its ServiceAccount, with a token from the TokenRequest API, as the kubelet would mount it. */
    private void startOperator() {
        String agentImage = client().configMaps()
                .inNamespace(OPERATOR_NAMESPACE)
                .withName("procmodule-images")
                .get()
                .getData()
                .get("agent");
        String token = client().serviceAccounts()
                .inNamespace(OPERATOR_NAMESPACE)
                .withName(OPERATOR_DEPLOYMENT)
                .tokenRequest(new TokenRequestBuilder()
                        .withNewSpec()
                        .withExpirationSeconds(7200L)
                        .endSpec()
                        .build())
                .getStatus()
                .getToken();
        Config adminConfig = client().getConfiguration();
        operatorClient = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(Config.empty())
                        .withMasterUrl(adminConfig.getMasterUrl())
                        .withCaCertData(adminConfig.getCaCertData())
                        .withAutoOAuthToken(token)
                        .withUserAgent("procmodule-operator-real-nodes")
                        .build())
                .build();
        OperatorConfig config = OperatorConfig.fromEnv(Map.of("AGENT_IMAGE", agentImage));
        operator = ProcModuleOperator.create(operatorClient, config, new SimpleMeterRegistry());
        operator.start();
    }

    @Override
    protected HostProcess.Result onNode(String node, List<String> argv) {
        List<String> command = new ArrayList<>(List.of("exec", node, "--"));
        command.addAll(argv);
        return HostProcess.run(clusterCommand(stateDir, command), COMMAND_TIMEOUT);
    }

    /** Boots one more node ({@code hack/cluster join}); returns once it is Ready. */
    public void join(String node) {
        System.out.print(script(stateDir, UP_TIMEOUT, "join", node).stderr());
    }

    /** Power-cycles the node into {@code kernel}; its disk (and the agent's build cache) stays. */
    public void reboot(String node, String kernel) {
        script(stateDir, REBOOT_TIMEOUT, "reboot", node, "--kernel", kernel);
    }

    /** The real kubectl as the cluster admin; a non-zero exit fails with its stderr. */
    public String kubectlOrThrow(String... args) {
        List<String> argv = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig=" + kubeconfig));
        argv.addAll(List.of(args));
        return HostProcess.run(argv, COMMAND_TIMEOUT).outputOrThrow(argv);
    }

    @Override
    public String kubectlGetProcModules() {
        return kubectlOrThrow("get", "procmodules");
    }

    @Override
    public Duration rolloutTimeout() {
        return ROLLOUT_TIMEOUT;
    }

    /** Stops the operator first (its informers must not see the API server vanish), then the cluster. */
    @Override
    public void close() {
        if (operator != null) {
            operator.stop();
            operatorClient.close();
        }
        client().close();
        script(stateDir, COMMAND_TIMEOUT, "down");
    }

    private static List<String> clusterCommand(Path stateDir, List<String> args) {
        List<String> argv = new ArrayList<>(List.of(
                "env",
                "PROCMODULE_NODES_DIR=" + stateDir,
                RepoFiles.path("hack/cluster").toString()));
        argv.addAll(args);
        return argv;
    }

    /** Runs {@code hack/cluster ARGS}; fails on a non-zero exit with its report. */
    private static HostProcess.Result script(Path stateDir, Duration timeout, String... args) {
        List<String> argv = clusterCommand(stateDir, List.of(args));
        HostProcess.Result result = HostProcess.run(argv, timeout);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(argv + " exited " + result.exitCode() + ":\n" + result.stderr());
        }
        return result;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
