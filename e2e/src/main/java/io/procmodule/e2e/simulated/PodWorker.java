package io.procmodule.e2e.simulated;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated kubelet's handling of one Pod on its node: init containers in order, then the
 * main containers with their exec readiness probes, restarts by restartPolicy with the kubelet's
 * back-off (10 s doubling to 5 min), and the Pod status written back after every change.
 *
 * <p>Models only what the operator reads from pods: phase, init/main container states (waiting,
 * running, terminated with exit code, reason and termination message), lastState, restartCount,
 * readiness and the Ready/ContainersReady/Initialized conditions. Not modelled: images (the node's
 * root filesystem is the agent image), resources, securityContext, probe thresholds other than 1,
 * startup/liveness probes, hostPath type checks, sandbox networking.
 */
final class PodWorker {
    private static final Logger LOG = LoggerFactory.getLogger(PodWorker.class);
    private static final Duration BACKOFF_INITIAL = Duration.ofSeconds(10);
    private static final Duration BACKOFF_MAX = Duration.ofMinutes(5);
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final ContainerRuntime runtime;
    private final Pod pod;
    private final String uid;
    private final String hostIp;
    private final String podIp;
    private final Map<String, ContainerSlot> initSlots = new LinkedHashMap<>();
    private final Map<String, ContainerSlot> mainSlots = new LinkedHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    private final Object publishLock = new Object();
    private final String startTime = ContainerSlot.timestamp(ContainerSlot.now());
    /** Condition type to its current value and the time it took that value. */
    private final Map<String, PodCondition> conditions = new LinkedHashMap<>();

    private String phase = "Pending";
    private boolean initialized;

    PodWorker(
            KubernetesClient client,
            ContainerRuntime runtime,
            Pod pod,
            String hostIp,
            String podIp,
            PodWorker beforeReboot) {
        this.client = client;
        this.runtime = runtime;
        this.pod = pod;
        this.uid = pod.getMetadata().getUid();
        this.hostIp = hostIp;
        this.podIp = podIp;
        boolean hasInit = !initContainers().isEmpty();
        for (Container c : initContainers()) {
            initSlots.put(
                    c.getName(), slot(c, "PodInitializing", beforeReboot == null ? null : beforeReboot.initSlots));
        }
        for (Container c : pod.getSpec().getContainers()) {
            mainSlots.put(
                    c.getName(),
                    slot(
                            c,
                            hasInit ? "PodInitializing" : "ContainerCreating",
                            beforeReboot == null ? null : beforeReboot.mainSlots));
        }
    }

    private static ContainerSlot slot(Container c, String waitingReason, Map<String, ContainerSlot> before) {
        ContainerSlot previous = before == null ? null : before.get(c.getName());
        return previous == null
                ? new ContainerSlot(c.getName(), c.getImage(), waitingReason)
                : previous.afterReboot(waitingReason);
    }

    String uid() {
        return uid;
    }

    String name() {
        return pod.getMetadata().getName();
    }

    Pod pod() {
        return pod;
    }

    void start() {
        publish();
        spawn("init", this::runInitThenMain);
    }

    /**
     * Stops the pod's processes as a kubelet does when the Pod is deleted: SIGTERM, then SIGKILL
     * after the grace period. Nothing else happens on the node: in particular no unload.
     * With {@code killContainers} false (the node is going down anyway) only the threads end.
     */
    void stop(boolean killContainers) {
        stopped.countDown();
        if (killContainers) {
            Duration grace = pod.getSpec().getTerminationGracePeriodSeconds() == null
                    ? DEFAULT_GRACE
                    : Duration.ofSeconds(pod.getSpec().getTerminationGracePeriodSeconds());
            List<String> running;
            synchronized (this) {
                running = new ArrayList<>();
                initSlots.values().stream().filter(ContainerSlot::isRunning).forEach(s -> running.add(s.name));
                mainSlots.values().stream().filter(ContainerSlot::isRunning).forEach(s -> running.add(s.name));
            }
            running.forEach(name -> runtime.stop(uid, name, grace));
        }
    }

    /** Waits until every thread of this pod has ended (after {@link #stop}). */
    void awaitStopped(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Thread> all;
        synchronized (threads) {
            all = List.copyOf(threads);
        }
        for (Thread t : all) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
    }

    private boolean isStopped() {
        return stopped.getCount() == 0;
    }

    private void runInitThenMain() {
        for (Container c : initContainers()) {
            if (!runUntilSuccess(c, initSlots.get(c.getName()))) {
                return;
            }
        }
        synchronized (this) {
            initialized = true;
        }
        for (Container c : pod.getSpec().getContainers()) {
            spawn(c.getName(), () -> runMain(c));
        }
    }

    /**
     * Runs an init container until it exits 0. A failure is retried with back-off under restartPolicy
     * Always/OnFailure (CrashLoopBackOff) and fails the pod under Never. False when the pod stops.
     */
    private boolean runUntilSuccess(Container c, ContainerSlot slot) {
        ContainerCommand command = ContainerCommand.of(pod, c);
        for (int attempt = 0; ; attempt++) {
            if (isStopped()) {
                return false;
            }
            synchronized (this) {
                slot.running();
            }
            publish();
            ContainerRuntime.Exit exit = runtime.run(uid, command);
            if (isStopped()) {
                return false;
            }
            LOG.info(
                    "{} {}/{} exited {}: {}",
                    runtime.vm().name(),
                    name(),
                    c.getName(),
                    exit.exitCode(),
                    exit.terminationMessage().strip().replace('\n', ' '));
            synchronized (this) {
                slot.terminated(exit);
            }
            publish();
            if (exit.exitCode() == 0) {
                return true;
            }
            if ("Never".equals(restartPolicy())) {
                setPhase("Failed");
                return false;
            }
            if (!backOff(slot, attempt)) {
                return false;
            }
        }
    }

    /** The main container: start, probe while it runs, restart by policy, settle the phase. */
    private void runMain(Container c) {
        ContainerSlot slot = mainSlots.get(c.getName());
        ContainerCommand command = ContainerCommand.of(pod, c);
        for (int attempt = 0; ; attempt++) {
            if (isStopped()) {
                return;
            }
            synchronized (this) {
                slot.running();
                phase = "Running";
            }
            publish();
            CountDownLatch exited = new CountDownLatch(1);
            if (c.getReadinessProbe() != null && c.getReadinessProbe().getExec() != null) {
                spawn(c.getName() + "-probe", () -> probe(c, slot, exited));
            } else {
                synchronized (this) {
                    slot.ready(true);
                }
                publish();
            }
            ContainerRuntime.Exit exit = runtime.run(uid, command);
            exited.countDown();
            if (isStopped()) {
                return;
            }
            LOG.info(
                    "{} {}/{} exited {}: {}",
                    runtime.vm().name(),
                    name(),
                    c.getName(),
                    exit.exitCode(),
                    exit.terminationMessage().strip().replace('\n', ' '));
            synchronized (this) {
                slot.terminated(exit);
            }
            publish();
            boolean restart = switch (restartPolicy()) {
                case "Always" -> true;
                case "OnFailure" -> exit.exitCode() != 0;
                default -> false;
            };
            if (!restart) {
                settleFinishedPhase();
                return;
            }
            if (!backOff(slot, attempt)) {
                return;
            }
        }
    }

    /** Probes every periodSeconds (first after initialDelaySeconds) while the container runs. */
    private void probe(Container c, ContainerSlot slot, CountDownLatch exited) {
        Probe probe = c.getReadinessProbe();
        ContainerCommand command = ContainerCommand.probe(pod, c);
        Duration period = seconds(probe.getPeriodSeconds(), 10);
        Duration timeout = seconds(probe.getTimeoutSeconds(), 1);
        Duration delay = seconds(probe.getInitialDelaySeconds(), 0);
        try {
            if (exited.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
            do {
                Optional<Boolean> result = runtime.probe(command, timeout);
                if (exited.getCount() == 0 || isStopped()) {
                    return;
                }
                if (result.isEmpty()) {
                    LOG.warn(
                            "{} {}/{}: probe not run (ssh into the node failed); keeping the last result",
                            runtime.vm().name(),
                            name(),
                            c.getName());
                    continue;
                }
                boolean ready = result.get();
                boolean changed;
                synchronized (this) {
                    changed = slot.isReady() != ready;
                    slot.ready(ready);
                }
                if (changed) {
                    LOG.info("{} {}/{} readiness: {}", runtime.vm().name(), name(), c.getName(), ready);
                    publish();
                }
            } while (!exited.await(period.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** CrashLoopBackOff for the kubelet's delay; false when the pod stopped meanwhile. */
    private boolean backOff(ContainerSlot slot, int attempt) {
        long seconds = Math.min(BACKOFF_MAX.toSeconds(), BACKOFF_INITIAL.toSeconds() << Math.min(attempt, 10));
        synchronized (this) {
            slot.backingOff(name(), seconds);
        }
        publish();
        try {
            return !stopped.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void settleFinishedPhase() {
        synchronized (this) {
            if (mainSlots.values().stream().allMatch(ContainerSlot::completedSuccessfully)) {
                phase = "Succeeded";
            } else if (mainSlots.values().stream().noneMatch(ContainerSlot::isRunning)) {
                phase = "Failed";
            }
        }
        publish();
    }

    private void setPhase(String value) {
        synchronized (this) {
            phase = value;
        }
        publish();
    }

    /**
     * Writes the status unless the Pod is gone (or replaced by a namesake): then this worker stops.
     * Serialised, so a slower writer never overwrites a newer status with an older one.
     */
    private void publish() {
        synchronized (publishLock) {
            if (isStopped()) {
                return;
            }
            PodStatus status;
            synchronized (this) {
                status = status();
            }
            try {
                var resource = client.pods()
                        .inNamespace(pod.getMetadata().getNamespace())
                        .withName(name());
                Pod current = resource.get();
                if (current == null || !uid.equals(current.getMetadata().getUid())) {
                    stopped.countDown();
                    return;
                }
                current.setStatus(status);
                client.pods()
                        .inNamespace(pod.getMetadata().getNamespace())
                        .resource(current)
                        .updateStatus();
            } catch (KubernetesClientException e) {
                LOG.warn("{} {}: status not written: {}", runtime.vm().name(), name(), e.getMessage());
            }
        }
    }

    private PodStatus status() {
        boolean containersReady = mainSlots.values().stream().allMatch(ContainerSlot::isReady);
        condition("PodScheduled", true);
        condition("PodReadyToStartContainers", true);
        condition("Initialized", initSlots.isEmpty() || initialized);
        condition("Ready", containersReady && "Running".equals(phase));
        condition("ContainersReady", containersReady);
        return new PodStatusBuilder()
                .withPhase(phase)
                .withConditions(List.copyOf(conditions.values()))
                .withHostIP(hostIp)
                .withPodIP(podIp)
                .withStartTime(startTime)
                .withQosClass("Burstable")
                .withInitContainerStatuses(
                        initSlots.values().stream().map(s -> s.status(true)).toList())
                .withContainerStatuses(
                        mainSlots.values().stream().map(s -> s.status(false)).toList())
                .build();
    }

    /** Sets a condition, keeping its lastTransitionTime unless the value changes. */
    private void condition(String type, boolean value) {
        String status = value ? "True" : "False";
        PodCondition current = conditions.get(type);
        if (current == null || !status.equals(current.getStatus())) {
            conditions.put(
                    type,
                    new PodConditionBuilder()
                            .withType(type)
                            .withStatus(status)
                            .withLastTransitionTime(ContainerSlot.timestamp(ContainerSlot.now()))
                            .build());
        }
    }

    private List<Container> initContainers() {
        return pod.getSpec().getInitContainers() == null
                ? List.of()
                : pod.getSpec().getInitContainers();
    }

    private String restartPolicy() {
        return Objects.requireNonNullElse(pod.getSpec().getRestartPolicy(), "Always");
    }

    private static Duration seconds(Integer value, int fallback) {
        return Duration.ofSeconds(value == null ? fallback : value);
    }

    private void spawn(String what, Runnable body) {
        Thread t = new Thread(
                () -> {
                    try {
                        body.run();
                    } catch (RuntimeException e) {
                        LOG.error("{} {}: {} failed", runtime.vm().name(), name(), what, e);
                    }
                },
                "kubelet-" + runtime.vm().name() + "-" + name() + "-" + what);
        t.setDaemon(true);
        synchronized (threads) {
            threads.add(t);
        }
        t.start();
    }
}
