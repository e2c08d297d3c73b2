package io.procmodule.e2e.apiserver;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.procmodule.e2e.controlplane.ControlPlane;
import io.procmodule.e2e.controlplane.NodeLease;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.testing.PodStatuses;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of the real control plane without a real kubelet: it registers its Node with the node's
 * own client certificate (so the Node authorizer and NodeRestriction apply), keeps its Lease
 * renewed so the node lifecycle controller sees it alive, and plays the kubelet for the pods the
 * scheduler and the DaemonSet controller put on it: agents start and verify, unload pods complete,
 * and pods being deleted are confirmed gone. Every agent succeeds; containers never run.
 */
final class KubeletStandIn implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubeletStandIn.class);

    private final String name;
    private final KubernetesClient client;
    private final ScheduledExecutorService loop;
    private volatile boolean holdUnloads;
    private volatile PodStatus agentOutcome;

    private KubeletStandIn(String name, KubernetesClient client) {
        this.name = name;
        this.client = client;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kubelet-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Registers node {@code name} running {@code kernel} and starts playing its kubelet. */
    static KubeletStandIn register(ControlPlane controlPlane, String name, String kernel) {
        KubernetesClient client = controlPlane.nodeClient(name);
        KubeletStandIn kubelet = new KubeletStandIn(name, client);
        kubelet.registerNode(kernel);
        kubelet.loop.scheduleWithFixedDelay(
                () -> NodeLease.renew(client, name), 0, NodeLease.RENEW_INTERVAL.toSeconds(), TimeUnit.SECONDS);
        kubelet.loop.scheduleWithFixedDelay(kubelet::syncPods, 0, 200, TimeUnit.MILLISECONDS);
        return kubelet;
    }

    String name() {
        return name;
    }

    /**
     * From now on, agent pods that start on this node end as {@code status} (e.g. a failed build)
     * instead of verified; null restores success.
     */
    void agentOutcome(PodStatus status) {
        agentOutcome = status;
    }

    /** While held, unload pods stay Pending, as on a node that is slow to run them. */
    void holdUnloads(boolean hold) {
        holdUnloads = hold;
    }

    /** Registers the Node with its status in one request, as the kubelet does: never seen without Ready. */
    private void registerNode(String kernel) {
        Map<String, Quantity> resources =
                Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi"), "pods", new Quantity("110"));
        client.resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withLabels(Map.of(
                                "kubernetes.io/hostname",
                                name,
                                "kubernetes.io/os",
                                "linux",
                                "kubernetes.io/arch",
                                "amd64"))
                        .endMetadata()
                        .withStatus(new NodeStatusBuilder()
                                .withCapacity(resources)
                                .withAllocatable(resources)
                                .withConditions(ready())
                                .withNewNodeInfo()
                                .withKernelVersion(kernel)
                                .withOperatingSystem("linux")
                                .withArchitecture("amd64")
                                .withOsImage("Debian GNU/Linux 12 (bookworm)")
                                .withKubeletVersion("v1.35.4")
                                .withContainerRuntimeVersion("stand-in://0")
                                .withMachineID(name)
                                .withSystemUUID(name)
                                .withBootID(name)
                                .endNodeInfo()
                                .build())
                        .build())
                .create();
    }

    private static NodeCondition ready() {
        String now = now();
        return new NodeConditionBuilder()
                .withType("Ready")
                .withStatus("True")
                .withReason("KubeletReady")
                .withMessage("kubelet stand-in is posting ready status")
                .withLastHeartbeatTime(now)
                .withLastTransitionTime(now)
                .build();
    }

    /** One pass over the pods bound to this node, as the kubelet's pod workers would act on them. */
    private void syncPods() {
        try {
            List<Pod> pods = client.pods()
                    .inAnyNamespace()
                    .withField("spec.nodeName", name)
                    .list()
                    .getItems();
            for (Pod pod : pods) {
                if (pod.getMetadata().getDeletionTimestamp() != null) {
                    // The containers are stopped: confirm, which removes the object.
                    client.resource(pod).withGracePeriod(0).delete();
                    LOG.info(
                            "{}: pod {} stopped and removed",
                            name,
                            pod.getMetadata().getName());
                } else if (pod.getStatus() == null || !isStarted(pod.getStatus()) && !hasFailedContainer(pod)) {
                    String component = pod.getMetadata().getLabels() == null
                            ? null
                            : pod.getMetadata().getLabels().get(AgentLabels.COMPONENT);
                    PodStatus status = AgentLabels.COMPONENT_AGENT.equals(component)
                            ? verified(pod)
                            : AgentLabels.COMPONENT_UNLOAD.equals(component) && !holdUnloads ? unloaded(pod) : null;
                    if (status != null) {
                        pod.setStatus(status);
                        client.resource(pod).updateStatus();
                        LOG.info("{}: pod {} {}", name, pod.getMetadata().getName(), status.getPhase());
                    }
                }
            }
        } catch (KubernetesClientException e) {
            // Conflicts and pods gone meanwhile: the next pass sees the current state.
            LOG.debug("{}: pod sync: {}", name, e.getMessage());
        }
    }

    /** A pod this node already failed stays as reported (a real kubelet would back off and retry). */
    private static boolean hasFailedContainer(Pod pod) {
        return pod.getStatus().getInitContainerStatuses() != null
                && pod.getStatus().getInitContainerStatuses().stream()
                        .anyMatch(c ->
                                c.getLastState() != null && c.getLastState().getTerminated() != null
                                        || c.getState() != null
                                                && c.getState().getTerminated() != null
                                                && c.getState().getTerminated().getExitCode() != 0);
    }

    private static boolean isStarted(PodStatus status) {
        return "Running".equals(status.getPhase())
                || "Succeeded".equals(status.getPhase())
                || "Failed".equals(status.getPhase());
    }

    /** The agent's outcome (verified unless set), keeping what the scheduler wrote (PodScheduled). */
    private PodStatus verified(Pod pod) {
        PodStatus outcome = agentOutcome;
        return keepingScheduled(
                pod,
                outcome == null
                        ? PodStatuses.agentVerified("Loaded")
                        : client.getKubernetesSerialization().clone(outcome));
    }

    private static PodStatus unloaded(Pod pod) {
        return keepingScheduled(pod, PodStatuses.unloadSucceeded("Unloaded"));
    }

    private static PodStatus keepingScheduled(Pod pod, PodStatus status) {
        if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
            pod.getStatus().getConditions().stream()
                    .filter(c -> c.getType().equals("PodScheduled"))
                    .forEach(c -> status.getConditions().add(0, c));
        }
        return status;
    }

    private static String now() {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    /** Stops playing the kubelet; the Node stays (its lease then expires, as when a kubelet dies). */
    @Override
    public void close() {
        loop.shutdownNow();
        client.close();
    }
}
