package io.procmodule.e2e.controlplane;

import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.procmodule.e2e.HostProcess;
import io.procmodule.e2e.RepoFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler) that
 * {@code hack/control-plane} runs, in {@code e2e/target/control-plane}. Tests reach it as the
 * cluster admin, through the real kubectl, or as a ServiceAccount with a token from the
 * TokenRequest API, so that RBAC decides.
 */
public final class ControlPlane implements AutoCloseable {
    /** The first start builds Kubernetes (hack/build-kubernetes), which takes many minutes. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(60);

    private static final Duration KUBECTL_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern EXPORT = Pattern.compile("^export (KUBECONFIG|PATH)='([^']*)'.*$");

    private final Path dir;
    private final String address;
    private final Path kubeconfig;
    private final Path kubectl;
    private final KubernetesClient admin;
    private boolean installed;

    private ControlPlane(Path dir, String address, Path kubeconfig, Path kubectl) {
        this.dir = dir;
        this.address = address;
        this.kubeconfig = kubeconfig;
        this.kubectl = kubectl;
        this.admin = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(read(kubeconfig)))
                .build();
    }

    /** Starts a fresh control plane in {@code dir}, stopping one an aborted run may have left there. */
    public static ControlPlane start(Path dir) {
        String address = loopbackAddressFor(dir);
        script(dir, address, KUBECTL_TIMEOUT, "stop");
        // Its report (how long, where each log is) belongs in the test output.
        System.err.print(script(dir, address, START_TIMEOUT, "start").stderr());
        // JUnit stops it when the run ends; this covers a run that is interrupted (Ctrl-C, a killed fork).
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> script(dir, address, KUBECTL_TIMEOUT, "stop"), "control-plane-stop"));
        Path kubeconfig = null;
        Path bin = null;
        for (String line :
                script(dir, address, KUBECTL_TIMEOUT, "env").stdout().lines().toList()) {
            Matcher m = EXPORT.matcher(line);
            if (m.matches() && m.group(1).equals("KUBECONFIG")) {
                kubeconfig = Path.of(m.group(2));
            } else if (m.matches()) {
                bin = Path.of(m.group(2));
            }
        }
        if (kubeconfig == null || bin == null) {
            throw new IllegalStateException("hack/control-plane env printed no KUBECONFIG or PATH");
        }
        return new ControlPlane(dir, address, kubeconfig, bin.resolve("kubectl"));
    }

    /** The cluster admin (system:masters). */
    public KubernetesClient admin() {
        return admin;
    }

    /**
     * A client authenticated as the ServiceAccount with a fresh token from the TokenRequest API, as
     * the kubelet would mount it into the Deployment's pod: the real authorizer decides each call.
     */
    public KubernetesClient clientFor(String namespace, String serviceAccount, String userAgent) {
        Config adminConfig = admin.getConfiguration();
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(adminConfig.getMasterUrl())
                .withCaCertData(adminConfig.getCaCertData())
                .withAutoOAuthToken(token(namespace, serviceAccount))
                .withUserAgent(userAgent)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** The same identity as {@link #clientFor}, as a kubeconfig file for a separate process. */
    public Path kubeconfigFor(String namespace, String serviceAccount) {
        Config adminConfig = admin.getConfiguration();
        Path file = dir.resolve(namespace + "." + serviceAccount + ".kubeconfig");
        String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: procmodule
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: %s
          user:
            token: %s
        contexts:
        - name: default
          context: {cluster: procmodule, user: %s}
        current-context: default
        """.formatted(
                        adminConfig.getMasterUrl(),
                        adminConfig.getCaCertData(),
                        serviceAccount,
                        token(namespace, serviceAccount),
                        serviceAccount);
        try {
            Files.writeString(file, yaml);
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private String token(String namespace, String serviceAccount) {
        TokenRequest request = admin.serviceAccounts()
                .inNamespace(namespace)
                .withName(serviceAccount)
                .tokenRequest(new TokenRequestBuilder()
                        .withNewSpec()
                        .withExpirationSeconds(3600L)
                        .endSpec()
                        .build());
        return request.getStatus().getToken();
    }

    /**
     * A client for node {@code name}'s kubelet: its client certificate (system:node:NAME in
     * system:nodes), so the Node authorizer and NodeRestriction apply.
     */
    public KubernetesClient nodeClient(String name) {
        String path = script(dir, address, KUBECTL_TIMEOUT, "node-cert", name)
                .stdout()
                .strip();
        return new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(read(Path.of(path))))
                .build();
    }

    /** The real kubectl against this control plane, as the admin. */
    public HostProcess.Result kubectl(String... args) {
        List<String> argv = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig=" + kubeconfig));
        argv.addAll(List.of(args));
        return HostProcess.run(argv, KUBECTL_TIMEOUT);
    }

    /** kubectl's output; a non-zero exit fails with its stderr. */
    public String kubectlOrThrow(String... args) {
        return kubectl(args).outputOrThrow(List.of(args));
    }

    /**
     * {@code kubectl apply -k deploy/} once per control plane, as the README tells users to install,
     * then waits until the CRD is served.
     */
    public synchronized void installDeploy() {
        if (installed) {
            return;
        }
        kubectlOrThrow("apply", "-k", RepoFiles.path("deploy").toString());
        kubectlOrThrow("wait", "--for=condition=Established", "--timeout=60s", "crd/procmodules.procmodule.io");
        // Discovery (kubectl's resource mapping) follows the Established condition by a moment.
        long deadline = System.nanoTime() + DISCOVERY_TIMEOUT.toNanos();
        while (kubectl("get", "procmodules").exitCode() != 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("procmodules not in kubectl's discovery after " + DISCOVERY_TIMEOUT);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        installed = true;
    }

    /** The API server's audit log: every request with user, verb, resource, code and RBAC decision. */
    public Path auditLog() {
        return dir.resolve("logs/audit.log");
    }

    public String address() {
        return address;
    }

    /** Where the control plane keeps its state and logs; tests put their own process logs here too. */
    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        admin.close();
        script(dir, address, KUBECTL_TIMEOUT, "stop");
    }

    /** Runs {@code hack/control-plane COMMAND} for this state directory and address; fails on a non-zero exit. */
    private static HostProcess.Result script(Path dir, String address, Duration timeout, String... command) {
        List<String> argv = new ArrayList<>(List.of(
                "env",
                "PROCMODULE_CLUSTER_DIR=" + dir,
                "PROCMODULE_CLUSTER_ADDRESS=" + address,
                RepoFiles.path("hack/control-plane").toString()));
        argv.addAll(List.of(command));
        HostProcess.Result result = HostProcess.run(argv, timeout);
        result.outputOrThrow(argv);
        return result;
    }

    /**
     * A loopback address of its own per checkout (127.x.y.z from the state directory), so test runs
     * in two worktrees, or a developer's control plane on 127.0.0.1, do not take each other's ports.
     */
    private static String loopbackAddressFor(Path dir) {
        int h = dir.toAbsolutePath().normalize().toString().hashCode();
        return "127." + ((h >>> 16) & 0xff) + "." + ((h >>> 8) & 0xff) + "." + (1 + Math.floorMod(h, 254));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
