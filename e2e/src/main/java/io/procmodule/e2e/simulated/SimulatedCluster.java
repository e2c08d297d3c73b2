package io.procmodule.e2e.simulated;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.procmodule.e2e.HostProcess;
import io.procmodule.e2e.cluster.Cluster;
import io.procmodule.operator.OperatorConfig;
import io.procmodule.operator.ProcModuleOperator;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.status.PrinterColumns;
import io.procmodule.operator.testing.DaemonSetController;
import io.procmodule.operator.testing.GarbageCollector;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster whose API server is fabric8's mock (CRUD mode, with the generated CRD so /status
 * behaves), whose operator is the real one running in-process exactly as {@code main} builds it
 * (server-side apply off, as shipped), and whose nodes are QEMU VMs with real Debian kernels. Two
 * stand-ins fill the gaps of the mock, each modelling only what the operator reads: the DaemonSet
 * controller ({@link DaemonSetController}, plus owner-reference {@link GarbageCollector}) and a
 * kubelet per node ({@link Kubelet}) that runs the pods' real containers (the real agent) inside
 * that node's VM.
 */
public final class SimulatedCluster implements Cluster {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedCluster.class);
    public static final String OPERATOR_NAMESPACE = OperatorConfig.DEFAULT_NAMESPACE;
    private static final String CRD_RESOURCE =
            "META-INF/fabric8/" + ProcModule.PLURAL + "." + ProcModule.GROUP + "-v1.yml";
    // Cold module builds run in TCG VMs that share 2 host cores: ~4-5 min each on a loaded host
    // (measured while other jobs ran), more than 10 min when two builds share a starved core.
    private static final Duration ROLLOUT_TIMEOUT = Duration.ofMinutes(20);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration NODE_READ_TIMEOUT = Duration.ofMinutes(1);
    private static final List<String> PREREQUISITE_PROGRAMS =
            List.of("qemu-system-x86_64", "qemu-img", "ssh", "ssh-keygen", "debootstrap", "mke2fs", "setsid");

    private final Path repoRoot;
    private final Path stateDir;
    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Map<String, Kubelet> kubelets = new LinkedHashMap<>();
    private final ScheduledExecutorService loops;
    private Operator operator;

    private SimulatedCluster(Path repoRoot, Path stateDir) {
        this.repoRoot = repoRoot;
        this.stateDir = stateDir;
        this.server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(List.of()), false);
        server.init();
        this.client = server.createClient();
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
     * Starts the API server, boots and registers {@code nodes} (one VM after the other: on 2 cores
     * parallel TCG boots gain nothing), then the stand-ins and the operator. Node disks start empty
     * under {@code stateDir}, so no build cache survives from an earlier run.
     */
    public static SimulatedCluster start(Path repoRoot, Path stateDir, List<NodeSpec> nodes) {
        SimulatedCluster cluster = new SimulatedCluster(repoRoot, stateDir);
        try {
            cluster.createCrdAndNamespace();
            for (NodeSpec node : nodes) {
                cluster.join(node);
            }
            cluster.startStandIns();
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
        Kubelet kubelet = new Kubelet(client, vm, kubelets.size());
        kubelet.register();
        kubelets.put(spec.name(), kubelet);
        LOG.info(
                "node {} joined: kernel {} (headers {}) in {} s",
                spec.name(),
                spec.kernel(),
                spec.headers() ? "installed" : "MISSING",
                (System.nanoTime() - start) / 1_000_000_000);
        if (operator != null) {
            loops.scheduleWithFixedDelay(
                    guarded("kubelet " + spec.name(), kubelet::sync), 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Power-cycles the node into another kernel, as an administrator upgrading it would; the kubelet
     * reports the new kernel and boot id and runs the node's pods again from scratch.
     */
    public void reboot(String node, String kernel) throws InterruptedException {
        kubelet(node).reboot(kernel);
    }

    /** The kernel release the node's VM runs, read in the VM ({@code uname -r}). */
    public String unameR(String node) {
        return kubelet(node)
                .vm()
                .output(List.of("uname", "-r"), NODE_READ_TIMEOUT)
                .strip();
    }

    /** Runs a read-only command in the node's VM (for checks on the node itself). */
    public String nodeOutput(String node, List<String> argv) {
        return kubelet(node).vm().output(argv, NODE_READ_TIMEOUT);
    }

    /** The API server, for what the scenarios of this cluster look at beyond {@link Cluster}. */
    public KubernetesClient client() {
        return client;
    }

    @Override
    public ProcModule apply(ProcModule resource) {
        // kubectl apply of name, labels and spec (the mock has no server-side apply).
        String name = resource.getMetadata().getName();
        ProcModule existing = procModule(name).get();
        if (existing == null) {
            ProcModule fresh = new ProcModule();
            fresh.setMetadata(new ObjectMetaBuilder()
                    .withName(name)
                    .withLabels(resource.getMetadata().getLabels())
                    .build());
            fresh.setSpec(resource.getSpec());
            return client.resource(fresh).create();
        }
        return procModule(name).edit(pm -> {
            pm.setSpec(resource.getSpec());
            if (resource.getMetadata().getLabels() != null) {
                pm.getMetadata().setLabels(resource.getMetadata().getLabels());
            }
            return pm;
        });
    }

    @Override
    public ProcModule await(String name, Predicate<ProcModule> condition, String description, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            ProcModule pm = procModule(name).get();
            if (pm != null && condition.test(pm)) {
                return pm;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(name + ": " + description + " not reached within " + timeout
                        + "; last seen status:\n" + (pm == null ? "(gone)" : statusYaml(pm)));
            }
            sleep(POLL);
        }
    }

    @Override
    public void awaitDeleted(String name, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        ProcModule pm;
        while ((pm = procModule(name).get()) != null) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(name + " still exists after " + timeout + "; status:\n" + statusYaml(pm));
            }
            sleep(POLL);
        }
    }

    /** The status as {@code kubectl get procmodule <name> -o yaml} shows it. */
    public String statusYaml(ProcModule pm) {
        return client.getKubernetesSerialization()
                .asYaml(Map.of("status", pm.getStatus() == null ? Map.of() : pm.getStatus()));
    }

    @Override
    public List<String> nodeNames() {
        return client.nodes().list().getItems().stream()
                .map(n -> n.getMetadata().getName())
                .sorted()
                .toList();
    }

    @Override
    public Optional<String> readProcEntry(String node, String entry) {
        HostProcess.Result cat = kubelet(node).vm().exec(List.of("cat", "/proc/" + entry), NODE_READ_TIMEOUT);
        return cat.exitCode() == 0 ? Optional.of(cat.stdout()) : Optional.empty();
    }

    @Override
    public boolean moduleLoaded(String node, String module) {
        return nodeOutput(node, List.of("cat", "/proc/modules")).lines().anyMatch(l -> l.startsWith(module + " "));
    }

    @Override
    public String kubectlGetProcModules() {
        List<ProcModule> all =
                new ArrayList<>(client.resources(ProcModule.class).list().getItems());
        all.sort((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()));
        return PrinterColumns.table(all, Instant.now());
    }

    @Override
    public boolean enforcesCrdSchema() {
        return false;
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
        client.close();
        server.destroy();
    }

    private void createCrdAndNamespace() {
        try (InputStream in = ProcModule.class.getClassLoader().getResourceAsStream(CRD_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        CRD_RESOURCE + " is not on the classpath (built by the operator module)");
            }
            client.resource(client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class))
                    .create();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(OPERATOR_NAMESPACE)
                        .endMetadata()
                        .build())
                .create();
    }

    private void startStandIns() {
        DaemonSetController daemonSets = new DaemonSetController(client);
        GarbageCollector gc = new GarbageCollector(client);
        loops.scheduleWithFixedDelay(
                guarded("daemonset controller", daemonSets::sync), 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
        loops.scheduleWithFixedDelay(guarded("garbage collector", gc::sync), 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
        for (Kubelet kubelet : kubelets.values()) {
            loops.scheduleWithFixedDelay(
                    guarded("kubelet " + kubelet.nodeName(), kubelet::sync), 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void startOperator() {
        operator = ProcModuleOperator.create(client, OperatorConfig.defaults(), new SimpleMeterRegistry());
        operator.start();
    }

    private Kubelet kubelet(String node) {
        Kubelet kubelet = kubelets.get(node);
        if (kubelet == null) {
            throw new IllegalArgumentException("no simulated node " + node + " (nodes: " + kubelets.keySet() + ")");
        }
        return kubelet;
    }

    @Override
    public Resource<ProcModule> procModule(String name) {
        return client.resources(ProcModule.class).withName(name);
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

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
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
