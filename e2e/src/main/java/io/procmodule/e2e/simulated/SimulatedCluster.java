package io.procmodule.e2e.simulated;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.procmodule.e2e.HostProcess;
import io.procmodule.e2e.cluster.ApiServerCluster;
import io.procmodule.e2e.controlplane.ControlPlane;
import io.procmodule.e2e.controlplane.NodeLease;
import io.procmodule.operator.OperatorConfig;
import io.procmodule.operator.ProcModuleOperator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster on the real control plane ({@link ControlPlane}: etcd, kube-apiserver, the
 * controller-manager's DaemonSet controller and garbage collector, the scheduler), installed with
 * {@code kubectl apply -k deploy/}, whose operator is the real one running in-process exactly as
 * {@code main} builds it and authenticated as its ServiceAccount (the shipped Deployment is scaled to
 * zero: it stands in for it), and whose nodes are QEMU VMs with real Debian kernels. One stand-in
 * remains, the kubelet ({@link Kubelet}): per node, it runs the pods' real containers (the real
 * agent) inside that node's VM.
 */
public final class SimulatedCluster extends ApiServerCluster {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedCluster.class);
    // Cold module builds run in TCG VMs that share 2 host cores: ~4-5 min each on a loaded host
    // (measured while other jobs ran), more than 10 min when two builds share a starved core.
    private static final Duration ROLLOUT_TIMEOUT = Duration.ofMinutes(20);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration NODE_READ_TIMEOUT = Duration.ofMinutes(1);
    private static final List<String> PREREQUISITE_PROGRAMS =
            List.of("qemu-system-x86_64", "qemu-img", "ssh", "ssh-keygen", "debootstrap", "mke2fs", "setsid");

    private final Path repoRoot;
    private final Path stateDir;
    private final ControlPlane controlPlane;
    private final Map<String, Kubelet> kubelets = new LinkedHashMap<>();
    private final ScheduledExecutorService loops;
    private Operator operator;
    private KubernetesClient operatorClient;

    private SimulatedCluster(Path repoRoot, Path stateDir, ControlPlane controlPlane) {
        super(controlPlane.admin());
        this.repoRoot = repoRoot;
        this.stateDir = stateDir;
        this.controlPlane = controlPlane;
        this.loops = Executors.newScheduledThreadPool(4, r -> {
            Thread t = new Thread(r, "simulated-controllers");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Why nodes cannot be simulated on this machine (a program or a kernel series is missing), or
     * empty when they can.
     */
    public static Optional<String> unavailableReason(Path repoRoot) {
        List<String> missing =
                PREREQUISITE_PROGRAMS.stream().filter(p -> !onPath(p)).toList();
        if (!missing.isEmpty()) {
            return Optional.of("missing " + String.join(", ", missing) + " (hack/setup installs them)");
        }
        if (HostKernels.discover(repoRoot).isEmpty()) {
            return Optional.of(
                    "no Debian 6.1 and 6.12 kernels with headers (hack/lib/kernels.sh found: none of a series);"
                            + " hack/setup installs them");
        }
        return Optional.empty();
    }

    /**
     * Starts the control plane and installs the project, boots and registers {@code nodes} (one VM
     * after the other: on 2 cores parallel TCG boots gain nothing; each node's kubelet starts as
     * it joins), then the operator. Node disks start empty under {@code stateDir}, so no build cache survives from an
     * earlier run.
     */
    public static SimulatedCluster start(Path repoRoot, Path stateDir, List<NodeSpec> nodes) {
        SimulatedCluster cluster =
                new SimulatedCluster(repoRoot, stateDir, ControlPlane.start(stateDir.resolve("control-plane")));
        try {
            cluster.install();
            for (NodeSpec node : nodes) {
                cluster.join(node);
            }
            cluster.startOperator();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Boots a node's VM and lets its kubelet register the Node: the node joins the cluster. */
    public synchronized void join(NodeSpec spec) {
        NodeVm vm = new NodeVm(repoRoot, stateDir, spec.name(), spec.kernel(), spec.headers());
        // A fresh disk: no build cache or module state from an earlier run (or a VM it left running).
        vm.stop();
        deleteRecursively(stateDir.resolve(spec.name()));
        long start = System.nanoTime();
        vm.start();
        Kubelet kubelet = new Kubelet(controlPlane.nodeClient(spec.name()), vm, kubelets.size());
        kubelet.register();
        kubelets.put(spec.name(), kubelet);
        loops.scheduleWithFixedDelay(
                guarded("lease " + spec.name(), kubelet::renewLease),
                NodeLease.RENEW_INTERVAL.toMillis(),
                NodeLease.RENEW_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info(
                "node {} joined: kernel {} (headers {}) in {} s",
                spec.name(),
                spec.kernel(),
                spec.headers() ? "installed" : "MISSING",
                (System.nanoTime() - start) / 1_000_000_000);
        loops.scheduleWithFixedDelay(
                guarded("kubelet " + spec.name(), kubelet::sync), 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Power-cycles the node into another kernel, as an administrator upgrading it would; the kubelet
     * reports the new kernel and boot id and runs the node's pods again from scratch.
     */
    public void reboot(String node, String kernel) throws InterruptedException {
        kubelet(node).reboot(kernel);
    }

    @Override
    protected HostProcess.Result onNode(String node, List<String> argv) {
        return kubelet(node).vm().exec(argv, NODE_READ_TIMEOUT);
    }

    /** The real kubectl as the cluster admin; a non-zero exit fails with its stderr. */
    public String kubectl(String... args) {
        return controlPlane.kubectlOrThrow(args);
    }

    @Override
    public String kubectlGetProcModules() {
        return controlPlane.kubectlOrThrow("get", "procmodules");
    }

    @Override
    public Duration rolloutTimeout() {
        return ROLLOUT_TIMEOUT;
    }

    /** Stops the operator first (its informers must not see the API server vanish), then the rest. */
    @Override
    public synchronized void close() {
        if (operator != null) {
            operator.stop();
            operatorClient.close();
        }
        loops.shutdownNow();
        for (Kubelet kubelet : kubelets.values()) {
            kubelet.shutdown();
            try {
                kubelet.vm().stop();
            } catch (RuntimeException e) {
                LOG.warn("stopping {}: {}", kubelet.nodeName(), e.getMessage());
            }
        }
        controlPlane.close();
    }

    /**
     * {@code kubectl apply -k deploy/} as the README tells users; the operator Deployment is scaled
     * to zero, as the in-process operator takes its place (its pod would otherwise be run by a
     * kubelet here, in a VM that has no operator image).
     */
    private void install() {
        controlPlane.installDeploy();
        client().apps()
                .deployments()
                .inNamespace(OPERATOR_NAMESPACE)
                .withName(OPERATOR_DEPLOYMENT)
                .scale(0);
    }

    /** As its ServiceAccount, with a token from the TokenRequest API: the real RBAC decides every call. */
    private synchronized void startOperator() {
        operatorClient =
                controlPlane.clientFor(OPERATOR_NAMESPACE, OPERATOR_DEPLOYMENT, "procmodule-operator-simulated");
        operator = ProcModuleOperator.create(operatorClient, OperatorConfig.defaults(), new SimpleMeterRegistry());
        operator.start();
    }

    private Kubelet kubelet(String node) {
        Kubelet kubelet = kubelets.get(node);
        if (kubelet == null) {
            throw new IllegalArgumentException("no simulated node " + node + " (nodes: " + kubelets.keySet() + ")");
        }
        return kubelet;
    }

    /** A periodic task must survive one failed pass (the next pass retries). */
    private static Runnable guarded(String what, Runnable body) {
        return () -> {
            try {
                body.run();
            } catch (KubernetesClientException | IllegalStateException e) {
                LOG.warn("{}: {}", what, e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("{} failed", what, e);
            }
        };
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir, e);
        }
    }
}
