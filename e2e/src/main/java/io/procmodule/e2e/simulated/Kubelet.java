package io.procmodule.e2e.simulated;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.procmodule.e2e.controlplane.NodeLease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated kubelet of one node, talking to the real API server with the node's own client
 * certificate ({@code system:node:<name>}, so the Node authorizer and NodeRestriction apply).
 * Registers the Node (kernel release, boot id and OS image read in the VM, as a kubelet reads them
 * from its host), keeps its Lease renewed, runs every Pod the scheduler binds to the node through a
 * {@link PodWorker}, stops the processes of Pods being deleted and then confirms their deletion,
 * and power-cycles the node on request. Models only what the operator reads from Nodes: labels,
 * taints, {@code status.nodeInfo}, the Ready condition; no capacity accounting or evictions.
 */
final class Kubelet {
    private static final Logger LOG = LoggerFactory.getLogger(Kubelet.class);
    private static final Duration VM_READ_TIMEOUT = Duration.ofMinutes(1);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);

    private final KubernetesClient client;
    private final NodeVm vm;
    private final ContainerRuntime runtime;
    private final int index;
    /** Pod uid to its worker; terminated pods keep theirs, so they are never run twice. */
    private final Map<String, PodWorker> workers = new HashMap<>();

    private int podCounter;

    Kubelet(KubernetesClient client, NodeVm vm, int index) {
        this.client = client;
        this.vm = vm;
        this.runtime = new ContainerRuntime(vm);
        this.index = index;
    }

    String nodeName() {
        return vm.name();
    }

    NodeVm vm() {
        return vm;
    }

    /** Creates the Node object, status included, from what the VM reports about itself. */
    void register() {
        client.nodes().resource(node(true)).create();
        renewLease();
    }

    void renewLease() {
        NodeLease.renew(client, vm.name());
    }

    /**
     * One pass: start workers for new pods bound here; for pods being deleted, stop their
     * containers, then confirm the deletion (which removes the object), as a kubelet does.
     */
    synchronized void sync() {
        List<Pod> bound = client.pods()
                .inAnyNamespace()
                .withField("spec.nodeName", vm.name())
                .list()
                .getItems();
        Set<String> present = new HashSet<>();
        List<Pod> deleting = new ArrayList<>();
        for (Pod pod : bound) {
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                deleting.add(pod);
                continue;
            }
            present.add(pod.getMetadata().getUid());
            workers.computeIfAbsent(pod.getMetadata().getUid(), uid -> {
                LOG.info(
                        "{}: starting pod {}/{}",
                        vm.name(),
                        pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName());
                PodWorker worker = newWorker(pod, null);
                worker.start();
                return worker;
            });
        }
        workers.entrySet().removeIf(e -> {
            if (present.contains(e.getKey())) {
                return false;
            }
            LOG.info(
                    "{}: pod {} deleted: stopping its containers (nothing is unloaded)",
                    vm.name(),
                    e.getValue().name());
            e.getValue().stop(true);
            return true;
        });
        for (Pod pod : deleting) {
            client.resource(pod).withGracePeriod(0).delete();
        }
    }

    /**
     * Power-cycles the node into {@code kernel}: the Node goes NotReady, the VM reboots (its disk,
     * and so the agent's build cache, survives; /run does not), the Node reports the new kernel and
     * boot id, and every pod's containers run again from the first init container.
     */
    synchronized void reboot(String kernel) throws InterruptedException {
        LOG.info("{}: rebooting into {}", vm.name(), kernel);
        client.nodes().withName(vm.name()).editStatus(n -> {
            n.getStatus().setConditions(List.of(readyCondition(false)));
            return n;
        });
        for (PodWorker w : workers.values()) {
            w.stop(false);
        }
        vm.reboot(kernel);
        for (PodWorker w : workers.values()) {
            w.awaitStopped(STOP_TIMEOUT);
        }
        Node booted = node(true);
        client.nodes().withName(vm.name()).editStatus(n -> {
            n.setStatus(booted.getStatus());
            return n;
        });
        workers.replaceAll((uid, old) -> {
            PodWorker worker = newWorker(old.pod(), old);
            worker.start();
            return worker;
        });
    }

    /** Ends the workers' threads and the API connection without touching the VM (which is about to be stopped). */
    synchronized void shutdown() {
        workers.values().forEach(w -> w.stop(false));
        client.close();
    }

    private PodWorker newWorker(Pod pod, PodWorker beforeReboot) {
        podCounter++;
        return new PodWorker(client, runtime, pod, hostIp(), "10.244." + index + "." + (podCounter + 1), beforeReboot);
    }

    private String hostIp() {
        return "10.89.0." + (index + 10);
    }

    private Node node(boolean ready) {
        String release = vmRead("uname", "-r");
        String bootId = vmRead("cat", "/proc/sys/kernel/random/boot_id");
        String osImage =
                vm.output(List.of("sh", "-c", ". /etc/os-release && printf '%s' \"$PRETTY_NAME\""), VM_READ_TIMEOUT);
        return new NodeBuilder()
                .withNewMetadata()
                .withName(vm.name())
                .withLabels(Map.of(
                        "kubernetes.io/hostname", vm.name(),
                        "kubernetes.io/os", "linux",
                        "kubernetes.io/arch", "amd64"))
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .withNewStatus()
                .withNewNodeInfo()
                .withKernelVersion(release)
                .withBootID(bootId)
                .withOsImage(osImage)
                .withOperatingSystem("linux")
                .withArchitecture("amd64")
                .withContainerRuntimeVersion("pm-pod-run://simulated")
                .withKubeletVersion("simulated")
                .withKubeProxyVersion("")
                .endNodeInfo()
                .addNewAddress()
                .withType("InternalIP")
                .withAddress(hostIp())
                .endAddress()
                .addNewAddress()
                .withType("Hostname")
                .withAddress(vm.name())
                .endAddress()
                .withCapacity(
                        Map.of("cpu", new Quantity("1"), "memory", new Quantity("1Gi"), "pods", new Quantity("110")))
                .withAllocatable(
                        Map.of("cpu", new Quantity("1"), "memory", new Quantity("1Gi"), "pods", new Quantity("110")))
                .withConditions(readyCondition(ready))
                .endStatus()
                .build();
    }

    private String vmRead(String... argv) {
        return vm.output(List.of(argv), VM_READ_TIMEOUT).strip();
    }

    private static NodeCondition readyCondition(boolean ready) {
        return new NodeConditionBuilder()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .withReason(ready ? "KubeletReady" : "KubeletNotReady")
                .withMessage(ready ? "kubelet is posting ready status (simulated kubelet)" : "node is rebooting")
                .withLastHeartbeatTime(ContainerSlot.timestamp(ContainerSlot.now()))
                .withLastTransitionTime(ContainerSlot.timestamp(ContainerSlot.now()))
                .build();
    }
}
