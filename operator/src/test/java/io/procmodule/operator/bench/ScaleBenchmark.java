package io.procmodule.operator.bench;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.api.ProcModuleStatus;
import io.procmodule.operator.reconciler.NodeSelection;
import io.procmodule.operator.reconciler.ScaleAccess;
import io.procmodule.operator.status.Mode;
import io.procmodule.operator.status.NodeBoard;
import io.procmodule.operator.status.StatusAggregator;
import io.procmodule.operator.status.StatusInput;
import io.procmodule.operator.testing.PodStatuses;
import io.procmodule.operator.testing.TestNodes;
import io.procmodule.operator.testing.TestPods;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Scale figures (node store memory, status size, reconcile cost), printed, never asserted: per-node and total bytes the
 * node informer store keeps (NodeCache.store) versus full Nodes, retained heap of both, the status
 * size at N nodes with ~5% failing on 3 kernels, and the time of aggregation and node selection
 * per reconcile. A plain main (not a JUnit test), run by hack/bench.
 */
public final class ScaleBenchmark {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private static final String HASH = "current";
    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
    private static final String[] KERNELS = {
        "6.1.0-56-amd64",
        "6.1.0-55-amd64",
        "6.12.117+deb12-amd64",
        "6.8.0-1015-aws",
        "6.8.0-1017-aws",
        "5.15.0-1061-azure",
        "6.1.112-122.189.amzn2023.x86_64",
        "6.6.56+"
    };
    /** Failing nodes run one of these (e.g. no headers published for them). */
    private static final String[] BROKEN_KERNELS = {"6.1.0-9-cloud-amd64", "6.5.0-1020-gcp", "5.10.0-32-amd64"};

    private static final int[] SIZES = {500, 5_000, 20_000};
    private static final int RUNS = 50;
    private static final int HEAP_ROUNDS = 5;

    private ScaleBenchmark() {}

    public static void main(String[] args) {
        System.out.printf(
                Locale.ROOT,
                "procmodule-operator scale benchmark (java %s, max heap %d MiB)%n",
                System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);
        List<Row> rows = new ArrayList<>();
        for (int n : SIZES) {
            rows.add(measure(n));
        }
        printTables(rows);
        printHeld();
    }

    /** Nodes x resources whose operator state (4) is measured. */
    private static final int[][] HELD = {{1_000, 20}, {5_000, 1}, {5_000, 20}, {20_000, 1}};

    /**
     * (4) What the operator's heap holds beyond the JVM and its libraries: node cache, pod cache with
     * one pruned agent pod per node and resource, and every resource's NodeView.
     */
    private static void printHeld() {
        System.out.println();
        System.out.println(
                "(4) operator state: node and pod informer caches (pruned, with their groups) and the resources'"
                        + " node views, retained heap (median of 3)");
        System.out.printf(Locale.ROOT, "%8s %10s %12s %14s%n", "nodes", "resources", "retained", "per node+res");
        for (int[] config : HELD) {
            int n = config[0];
            int resources = config[1];
            List<Supplier<Node>> nodes = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int index = i;
                nodes.add(() -> JSON.unmarshal(JSON.asJson(realisticNode(index)), Node.class));
            }
            long[] held = new long[3];
            for (int round = 0; round < held.length; round++) {
                long before = usedAfterGc();
                Object state = ScaleAccess.operatorState(
                        nodes,
                        resources,
                        (resource, node, hash) ->
                                JSON.unmarshal(JSON.asJson(fullAgentPod(resource, node, hash)), Pod.class));
                held[round] = usedAfterGc() - before;
                if (state.hashCode() == 42) { // keep it reachable until measured
                    System.out.print("");
                }
            }
            Arrays.sort(held);
            long median = held[held.length / 2];
            System.out.printf(
                    Locale.ROOT,
                    "%8d %10d %12s %12.0f B%n",
                    n,
                    resources,
                    human(median),
                    (double) median / ((long) n * resources));
        }
        System.out.println("    the JVM, its libraries and JOSDK come on top (44 MiB live in all at 5,000 x 1"
                + " on the real control plane, README \"Scale\")");
    }

    /** An agent pod as the API server sends it (the informer prunes it before keeping it). */
    private static Pod fullAgentPod(String resource, String node, String hash) {
        int i = indexOf(node);
        String ip = String.format(Locale.ROOT, "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
        PodStatus status = isFailing(node)
                ? PodStatuses.agentBuildFailed(
                        "HeadersMissing", "install linux-headers-" + kernelOf(i) + " on the node")
                : PodStatuses.agentVerified("Loaded");
        Stream.concat(status.getInitContainerStatuses().stream(), status.getContainerStatuses().stream())
                .forEach(c -> {
                    c.setImage("registry.example.com/procmodule/agent:0.1.0");
                    c.setImageID("registry.example.com/procmodule/agent@sha256:" + "0123456789abcdef".repeat(4));
                    c.setContainerID("containerd://"
                            + UUID.randomUUID().toString().replace("-", "").repeat(2));
                });
        status.setHostIP(ip);
        status.setPodIP(ip);
        status.setQosClass("BestEffort");
        status.setStartTime("2026-11-25T12:00:00Z");
        return new PodBuilder()
                .withNewMetadata()
                .withName("procmodule-" + resource + "-" + Integer.toString(0x100000 + i, 36))
                .withNamespace("procmodule-system")
                .withUid(UUID.randomUUID().toString())
                .withResourceVersion(Integer.toString(2_000_000 + i))
                .withCreationTimestamp("2026-11-25T12:00:00Z")
                .withLabels(Map.of(
                        AgentLabels.INSTANCE,
                        resource,
                        AgentLabels.COMPONENT,
                        AgentLabels.COMPONENT_AGENT,
                        AgentLabels.MANAGED_BY,
                        AgentLabels.MANAGED_BY_VALUE,
                        "controller-revision-hash",
                        "6d9f8b7c5b",
                        "pod-template-generation",
                        "1"))
                .withAnnotations(Map.of(AgentLabels.CONFIG_HASH, hash))
                .addNewOwnerReference()
                .withApiVersion("apps/v1")
                .withKind("DaemonSet")
                .withName("procmodule-" + resource)
                .withUid("5b1c2d3e-0000-4000-8000-" + String.format(Locale.ROOT, "%012d", resource.hashCode() & 0xffff))
                .withController(true)
                .withBlockOwnerDeletion(true)
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .endSpec()
                .withStatus(status)
                .build();
    }

    private record Row(
            int n,
            double fullJsonPerNode,
            double keptJsonPerNode,
            long fullJsonTotal,
            long keptJsonTotal,
            double fullHeapPerNode,
            double keptHeapPerNode,
            int statusBytes,
            int listedNodes,
            int unlisted,
            int kernels,
            int failed,
            double aggregateMs,
            double reconcileFreshMs,
            double reconcilePodMs,
            double reconcileNodeMs,
            double sameMs,
            double selectMs,
            double listMs) {}

    private static Row measure(int n) {
        // What the API server sends: each Node arrives as JSON and is deserialized on its own (no shared strings).
        List<String> wire = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            wire.add(JSON.asJson(realisticNode(i)));
        }
        long fullJson = wire.stream()
                .mapToLong(s -> s.getBytes(StandardCharsets.UTF_8).length)
                .sum();

        ItemStore<Node> store = ScaleAccess.nodeStore();
        for (String s : wire) {
            Node node = JSON.unmarshal(s, Node.class);
            store.put(store.getKey(node), node);
        }
        List<Node> fromStore = store.values().toList();
        long keptJson = fromStore.stream()
                .mapToLong(x -> JSON.asJson(x).getBytes(StandardCharsets.UTF_8).length)
                .sum();

        double fullHeap = retainedPerNode(
                () -> {
                    List<Node> full = new ArrayList<>(n);
                    wire.forEach(s -> full.add(JSON.unmarshal(s, Node.class)));
                    return full;
                },
                n);
        double keptHeap = retainedPerNode(
                () -> {
                    ItemStore<Node> s = ScaleAccess.nodeStore();
                    wire.forEach(w -> {
                        Node node = JSON.unmarshal(w, Node.class);
                        s.put(s.getKey(node), node);
                    });
                    return s;
                },
                n);

        // One reconcile: nodes listed from the store, desired selection, status aggregation, change check.
        List<Node> desired = fromStore.stream()
                .filter(NodeSelection.selector(Map.of(), List.of(), node -> false))
                .toList();
        List<Pod> pods = new ArrayList<>(n);
        for (Node node : desired) {
            pods.add(agentPod(node.getMetadata().getName(), statusOf(node)));
        }
        ProcModuleStatus previous = StatusAggregator.aggregate(input(null, desired, pods));
        ProcModuleStatus status = StatusAggregator.aggregate(input(previous, desired, pods));
        int statusBytes = JSON.asJson(status).getBytes(StandardCharsets.UTF_8).length;

        double aggregateMs = medianMs(() -> StatusAggregator.aggregate(input(previous, desired, pods)));
        double sameMs = medianMs(() -> StatusAggregator.same(previous, status));
        double selectMs = medianMs(() -> fromStore.stream()
                .filter(NodeSelection.selector(Map.of(), List.of(), node -> false))
                .toList());
        double listMs = medianMs(() -> store.values().toList());

        // Whole reconciles (decide and aggregate) of one resource over the same nodes, labelled for it.
        ScaleAccess.Reconciles reconciles = new ScaleAccess.Reconciles(
                fromStore.stream().map(node -> new NodeBuilder(node).build()).toList());
        Map<String, Pod> verified = new HashMap<>();
        for (Node node : fromStore) {
            String name = node.getMetadata().getName();
            Pod pod = agentPod(name, statusOf(node), reconciles.configHash());
            verified.put(name, pod);
            reconciles.podChanged(name, pod);
        }
        reconciles.kept();
        double reconcileFreshMs = medianMs(reconciles::fresh);
        // A pod event between two reconciles: one node's pod goes back to building, or is verified again.
        int[] next = {0};
        Map<String, Pod> current = new HashMap<>(verified);
        double reconcilePodMs = medianMs(() -> {
            String name = fromStore.get(next[0]++ % n).getMetadata().getName();
            Pod pod = current.get(name) == verified.get(name)
                    ? agentPod(name, PodStatuses.agentBuilding(), reconciles.configHash())
                    : verified.get(name);
            current.put(name, pod);
            reconciles.podChanged(name, pod);
            return reconciles.kept();
        });
        // A node event between two reconciles: a node object replaced (its labels or kernel edited).
        double reconcileNodeMs = medianMs(() -> {
            Node node = fromStore.get(next[0]++ % n);
            reconciles.nodeChanged(new NodeBuilder(node).build());
            return reconciles.kept();
        });

        return new Row(
                n,
                (double) fullJson / n,
                (double) keptJson / n,
                fullJson,
                keptJson,
                fullHeap,
                keptHeap,
                statusBytes,
                status.getNodes().size(),
                status.getUnlistedNodes(),
                status.getKernels().size(),
                status.getFailedNodes(),
                aggregateMs,
                reconcileFreshMs,
                reconcilePodMs,
                reconcileNodeMs,
                sameMs,
                selectMs,
                listMs);
    }

    /** The status read afresh from lists: every pod read, every node placed. */
    private static StatusInput input(ProcModuleStatus previous, List<Node> desired, List<Pod> pods) {
        return new StatusInput(
                Mode.APPLYING,
                new StatusInput.Resource(1, previous, "hello_world", "hello_proc"),
                NodeBoard.agents(desired, pods, HASH, previous == null ? List.of() : previous.getNodes()),
                new NodeBoard(),
                T0);
    }

    /** 1 node in 20 fails (5%), the others are verified. */
    private static PodStatus statusOf(Node node) {
        String name = node.getMetadata().getName();
        return isFailing(name)
                ? PodStatuses.agentBuildFailed(
                        "HeadersMissing",
                        "no kernel headers for " + kernel(node) + ": install linux-headers-" + kernel(node)
                                + " on the node or mount /usr/src")
                : PodStatuses.agentVerified("Loaded");
    }

    private static Pod agentPod(String node, PodStatus status) {
        return agentPod(node, status, HASH);
    }

    private static Pod agentPod(String node, PodStatus status, String hash) {
        return TestPods.agent("procmodule-hello-world-" + node.hashCode(), node, hash, status)
                .editMetadata()
                .withLabels(Map.of(AgentLabels.COMPONENT, AgentLabels.COMPONENT_AGENT))
                .endMetadata()
                .build();
    }

    private static String nodeName(int i) {
        return String.format(
                Locale.ROOT, "ip-10-%d-%d-%d.eu-west-1.compute.internal", (i >> 16) & 255, (i >> 8) & 255, i & 255);
    }

    /** 1 node in 20 fails (5%), on one of three kernels. */
    private static boolean isFailing(String name) {
        int i = indexOf(name);
        return i % 20 == 0;
    }

    private static int indexOf(String name) {
        String[] p = name.substring(3, name.indexOf('.')).split("-");
        return (Integer.parseInt(p[1]) << 16) | (Integer.parseInt(p[2]) << 8) | Integer.parseInt(p[3]);
    }

    private static String kernelOf(int i) {
        return i % 20 == 0 ? BROKEN_KERNELS[(i / 20) % BROKEN_KERNELS.length] : KERNELS[i % KERNELS.length];
    }

    /** A Node as a kubelet on a cloud VM registers and updates it (managedFields left out: conservative). */
    static Node realisticNode(int i) {
        String name = nodeName(i);
        String zone = "eu-west-1" + "abc".charAt(i % 3);
        String ip = String.format(Locale.ROOT, "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("beta.kubernetes.io/arch", "amd64");
        labels.put("beta.kubernetes.io/instance-type", "m5.xlarge");
        labels.put("beta.kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("node.kubernetes.io/instance-type", "m5.xlarge");
        labels.put("topology.kubernetes.io/region", "eu-west-1");
        labels.put("topology.kubernetes.io/zone", zone);
        labels.put("eks.amazonaws.com/nodegroup", "workers-" + (i % 4));
        labels.put("eks.amazonaws.com/capacityType", i % 5 == 0 ? "SPOT" : "ON_DEMAND");
        Node base = TestNodes.node(name, kernelOf(i), labels, List.of());
        String t = "2026-11-2" + (i % 5) + "T0" + (i % 10) + ":1" + (i % 6) + ":3" + (i % 10) + "Z";
        String heartbeat = "2026-11-25T23:5" + (i % 10) + ":" + (10 + i % 50) + "Z";
        Map<String, Quantity> capacity = Map.of(
                "cpu",
                new Quantity("4"),
                "ephemeral-storage",
                new Quantity("104845292Ki"),
                "hugepages-1Gi",
                new Quantity("0"),
                "hugepages-2Mi",
                new Quantity("0"),
                "memory",
                new Quantity("15896988Ki"),
                "pods",
                new Quantity("58"));
        Map<String, Quantity> allocatable = Map.of(
                "cpu",
                new Quantity("3920m"),
                "ephemeral-storage",
                new Quantity("95551679124"),
                "hugepages-1Gi",
                new Quantity("0"),
                "hugepages-2Mi",
                new Quantity("0"),
                "memory",
                new Quantity("15209884Ki"),
                "pods",
                new Quantity("58"));
        return new NodeBuilder(base)
                .editMetadata()
                .withUid(UUID.randomUUID().toString())
                .withResourceVersion(Integer.toString(1_000_000 + i * 7))
                .withCreationTimestamp(t)
                .withAnnotations(Map.of(
                        "alpha.kubernetes.io/provided-node-ip",
                        ip,
                        "node.alpha.kubernetes.io/ttl",
                        "0",
                        "volumes.kubernetes.io/controller-managed-attach-detach",
                        "true",
                        "csi.volume.kubernetes.io/nodeid",
                        "{\"ebs.csi.aws.com\":\"i-0" + Integer.toHexString(0x1000000 + i) + "abcdef0\"}"))
                .endMetadata()
                .editSpec()
                .withPodCIDR("100.64." + (i & 255) + ".0/24")
                .withPodCIDRs("100.64." + (i & 255) + ".0/24")
                .withProviderID("aws:///" + zone + "/i-0" + Integer.toHexString(0x1000000 + i) + "abcdef0")
                .endSpec()
                .editStatus()
                .withConditions(
                        condition(
                                "MemoryPressure",
                                "False",
                                "KubeletHasSufficientMemory",
                                "kubelet has sufficient memory available",
                                heartbeat,
                                t),
                        condition(
                                "DiskPressure",
                                "False",
                                "KubeletHasNoDiskPressure",
                                "kubelet has no disk pressure",
                                heartbeat,
                                t),
                        condition(
                                "PIDPressure",
                                "False",
                                "KubeletHasSufficientPID",
                                "kubelet has sufficient PID available",
                                heartbeat,
                                t),
                        condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", heartbeat, t))
                .withAddresses(
                        new NodeAddress(ip, "InternalIP"),
                        new NodeAddress(name, "InternalDNS"),
                        new NodeAddress(name, "Hostname"))
                .withCapacity(capacity)
                .withAllocatable(allocatable)
                .withNewDaemonEndpoints()
                .withNewKubeletEndpoint()
                .withPort(10250)
                .endKubeletEndpoint()
                .endDaemonEndpoints()
                .editNodeInfo()
                .withMachineID(UUID.randomUUID().toString().replace("-", ""))
                .withSystemUUID("ec2" + UUID.randomUUID().toString().substring(3))
                .withContainerRuntimeVersion("containerd://1.7.22")
                .withKubeletVersion("v1.31.2-eks-94953ac")
                .withKubeProxyVersion("v1.31.2-eks-94953ac")
                .withOperatingSystem("linux")
                .endNodeInfo()
                .withImages(images(i))
                .endStatus()
                .build();
    }

    private static NodeCondition condition(
            String type, String status, String reason, String message, String heartbeat, String transition) {
        NodeCondition c = new NodeCondition();
        c.setType(type);
        c.setStatus(status);
        c.setReason(reason);
        c.setMessage(message);
        c.setLastHeartbeatTime(heartbeat);
        c.setLastTransitionTime(transition);
        return c;
    }

    /** ~30 images, each with its digest and tag names and size, as the kubelet reports them. */
    private static List<ContainerImage> images(int i) {
        String[] repos = {
            "602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni",
            "602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni-init",
            "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/kube-proxy",
            "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/coredns",
            "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/aws-ebs-csi-driver",
            "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/csi-node-driver-registrar",
            "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/livenessprobe",
            "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/pause",
            "quay.io/prometheus/node-exporter",
            "quay.io/prometheus/prometheus",
            "quay.io/jetstack/cert-manager-controller",
            "docker.io/grafana/promtail",
            "docker.io/grafana/loki",
            "docker.io/library/nginx",
            "docker.io/library/redis",
            "docker.io/library/postgres",
            "docker.io/bitnami/kafka",
            "registry.k8s.io/ingress-nginx/controller",
            "registry.k8s.io/metrics-server/metrics-server",
            "ghcr.io/fluxcd/source-controller",
            "ghcr.io/fluxcd/kustomize-controller",
            "public.ecr.aws/karpenter/controller",
            "docker.io/istio/proxyv2",
            "docker.io/istio/pilot",
            "docker.io/calico/node",
            "docker.io/calico/cni",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/checkout",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/catalog",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/frontend",
            "procmodule/agent"
        };
        List<ContainerImage> out = new ArrayList<>(repos.length);
        for (int k = 0; k < repos.length; k++) {
            String digest = String.format(Locale.ROOT, "%08x", (i * 31 + k) * 0x9E3779B1)
                    .repeat(8);
            ContainerImage img = new ContainerImage();
            img.setNames(List.of(repos[k] + "@sha256:" + digest, repos[k] + ":v1." + (k % 9) + "." + (i % 3)));
            img.setSizeBytes(5_000_000L + (long) k * 7_345_123L + i % 1000);
            out.add(img);
        }
        return out;
    }

    /** Median bytes of heap retained per node by what build() returns, over several rounds. */
    private static double retainedPerNode(Supplier<Object> build, int n) {
        long[] deltas = new long[HEAP_ROUNDS];
        for (int r = 0; r < HEAP_ROUNDS; r++) {
            long before = usedAfterGc();
            Object kept = build.get();
            long after = usedAfterGc();
            deltas[r] = after - before;
            if (kept.hashCode() == 42) { // keep it reachable until measured
                System.out.print("");
            }
        }
        Arrays.sort(deltas);
        return (double) deltas[HEAP_ROUNDS / 2] / n;
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static Object sink;

    /** Warm-up, then the median of RUNS timed runs, in milliseconds. */
    private static double medianMs(Supplier<Object> work) {
        for (int i = 0; i < 10; i++) {
            sink = work.get();
        }
        long[] ns = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t = System.nanoTime();
            sink = work.get();
            ns[i] = System.nanoTime() - t;
        }
        Arrays.sort(ns);
        return ns[RUNS / 2] / 1e6;
    }

    private static String kernel(Node n) {
        return n.getStatus().getNodeInfo().getKernelVersion();
    }

    private static void printTables(List<Row> rows) {
        System.out.println();
        System.out.println("(1) node informer store: NodeCache.store (kept fields) vs full Nodes");
        System.out.printf(
                Locale.ROOT,
                "%8s %11s %11s %12s %12s %11s %11s %7s%n",
                "nodes",
                "full B/node",
                "kept B/node",
                "full total",
                "kept total",
                "full heap/n",
                "kept heap/n",
                "heap x");
        for (Row r : rows) {
            System.out.printf(
                    Locale.ROOT,
                    "%8d %11.0f %11.0f %12s %12s %11.0f %11.0f %7.1f%n",
                    r.n(),
                    r.fullJsonPerNode(),
                    r.keptJsonPerNode(),
                    human(r.fullJsonTotal()),
                    human(r.keptJsonTotal()),
                    r.fullHeapPerNode(),
                    r.keptHeapPerNode(),
                    r.fullHeapPerNode() / r.keptHeapPerNode());
        }
        System.out.println("    B/node, totals: serialized JSON; heap/n: retained bytes per node (used heap after"
                + " System.gc(), median of " + HEAP_ROUNDS + ")");
        System.out.println();
        System.out.println("(2) status from StatusAggregator.aggregate, 5% of nodes failing on 3 kernels");
        System.out.printf(
                Locale.ROOT,
                "%8s %12s %8s %9s %8s %7s%n",
                "nodes",
                "status JSON",
                "listed",
                "unlisted",
                "kernels",
                "failed");
        for (Row r : rows) {
            System.out.printf(
                    Locale.ROOT,
                    "%8d %12s %8d %9d %8d %7d%n",
                    r.n(),
                    human(r.statusBytes()),
                    r.listedNodes(),
                    r.unlisted(),
                    r.kernels(),
                    r.failed());
        }
        System.out.println();
        System.out.println("(3) per-reconcile CPU, median of " + RUNS + " after warm-up (ms)");
        System.out.printf(
                Locale.ROOT,
                "%8s %11s %10s %10s %16s %16s %17s %8s%n",
                "nodes",
                "store list",
                "selection",
                "aggregate",
                "reconcile fresh",
                "kept, 1 pod new",
                "kept, 1 node new",
                "same()");
        for (Row r : rows) {
            System.out.printf(
                    Locale.ROOT,
                    "%8d %11.2f %10.2f %10.2f %16.2f %16.2f %17.2f %8.2f%n",
                    r.n(),
                    r.listMs(),
                    r.selectMs(),
                    r.aggregateMs(),
                    r.reconcileFreshMs(),
                    r.reconcilePodMs(),
                    r.reconcileNodeMs(),
                    r.sameMs());
        }
        System.out.println(
                "    store list = NodeCache store values() (pruned Nodes stored as they are, as a NodeView reads them"
                        + " afresh); selection = NodeSelection.selector over every node; aggregate = the status"
                        + " from lists, every pod read; reconcile = decide and aggregate as the reconciler"
                        + " does: fresh = every node and pod read again (each reconcile before NodeView), kept ="
                        + " the resource's NodeView kept, with one agent pod or one node replaced since the last;"
                        + " same() = the nothing-changed check");
        Row big = rows.get(rows.size() - 1);
        Row mid = rows.stream().filter(r -> r.n() == 5_000).findFirst().orElse(big);
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "conclusion: the node store keeps %.0f%% of a full Node's JSON and %.0f%% of its heap"
                        + " (%s retained at %d nodes vs %s full)%n",
                100 * big.keptJsonPerNode() / big.fullJsonPerNode(),
                100 * big.keptHeapPerNode() / big.fullHeapPerNode(),
                human((long) (big.keptHeapPerNode() * big.n())),
                big.n(),
                human((long) (big.fullHeapPerNode() * big.n())));
        System.out.printf(
                Locale.ROOT,
                "conclusion: status at 5,000 nodes is %s (%s at %d), bounded by %d listed nodes"
                        + " and %d kernels, well under 100 KiB%n",
                human(mid.statusBytes()),
                human(big.statusBytes()),
                big.n(),
                StatusAggregator.MAX_LISTED_NODES,
                StatusAggregator.MAX_LISTED_KERNELS);
        System.out.printf(
                Locale.ROOT,
                "conclusion: one reconcile at %d nodes computes in %.2f ms after a pod event and %.2f ms"
                        + " after a node event with its view kept (%.1f ms reading everything afresh),"
                        + " plus %.1f ms comparing%n",
                big.n(),
                big.reconcilePodMs(),
                big.reconcileNodeMs(),
                big.reconcileFreshMs(),
                big.sameMs());
    }

    private static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}
