package io.procmodule.e2e.apiserver;

import io.procmodule.e2e.RepoFiles;
import io.procmodule.e2e.controlplane.ControlPlane;
import io.procmodule.e2e.rbac.DeploymentEnv;
import io.procmodule.operator.ProcModuleOperator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator as its own JVM running the production main ({@link ProcModuleOperator#main}) with
 * the shipped Deployment's environment (leader election on), as its ServiceAccount through a
 * kubeconfig holding a TokenRequest token. Output goes to a log file next to the control plane's.
 */
final class OperatorProcess implements AutoCloseable {
    private final String podName;
    private final Process process;
    private final int httpPort;
    private final Path log;

    private OperatorProcess(String podName, Process process, int httpPort, Path log) {
        this.podName = podName;
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
    }

    static OperatorProcess start(ControlPlane controlPlane, String podName, String namespace, String serviceAccount) {
        Map<String, String> env = DeploymentEnv.operatorEnv();
        int httpPort = freePort();
        Path log = controlPlane.dir().resolve("logs/operator-" + podName + ".log");
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                        "-Dorg.slf4j.simpleLogger.showDateTime=true",
                        ProcModuleOperator.class.getName())
                .directory(RepoFiles.root().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        // The downward API would give each replica its own pod name; each needs its own port here.
        pb.environment().put("POD_NAME", podName);
        pb.environment().put("HTTP_PORT", String.valueOf(httpPort));
        pb.environment()
                .put(
                        "KUBECONFIG",
                        controlPlane.kubeconfigFor(namespace, serviceAccount).toString());
        try {
            return new OperatorProcess(podName, pb.start(), httpPort, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String podName() {
        return podName;
    }

    Path log() {
        return log;
    }

    /** Whether the process serves its /healthz endpoint (up, whether or not it leads). */
    boolean serving() {
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/healthz"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            return response.statusCode() > 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL: the process dies without releasing its lease, as a crashed or evicted pod would. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM, as the kubelet stops a pod: whether the process ended within {@code grace}. */
    boolean terminate(Duration grace) {
        process.destroy();
        try {
            return process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        kill();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
