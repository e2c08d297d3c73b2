package io.procmodule.e2e.simulated;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a kubelet reports about one container: current state, the last terminated state, restart
 * count, readiness. Mutated only under the owning {@link PodWorker}'s lock.
 */
final class ContainerSlot {
    /** containerd's report for a container that died with its node (what a reboot leaves behind). */
    static final int EXIT_NODE_LOST = 255;

    final String name;
    final String image;
    private ContainerState state;
    private ContainerState lastState = new ContainerState();
    private int restartCount;
    private boolean ready;
    private String containerId;
    private Instant startedAt;

    ContainerSlot(String name, String image, String waitingReason) {
        this.name = name;
        this.image = image;
        this.state = waiting(waitingReason, null);
    }

    /** This container on a node that was power-cycled: every run it had is over. */
    ContainerSlot afterReboot(String waitingReason) {
        ContainerSlot next = new ContainerSlot(name, image, waitingReason);
        next.restartCount = restartCount;
        next.lastState = lastState;
        if (state.getRunning() != null) {
            next.lastState = terminated(EXIT_NODE_LOST, "Unknown", null, startedAt, now());
            next.restartCount++;
        } else if (state.getTerminated() != null) {
            next.lastState = state;
            next.restartCount++;
        }
        return next;
    }

    void running() {
        startedAt = now();
        containerId = "containerd://" + HexFormat.of().formatHex(randomBytes());
        state = new ContainerStateBuilder()
                .withNewRunning()
                .withStartedAt(timestamp(startedAt))
                .endRunning()
                .build();
        ready = false;
    }

    void terminated(ContainerRuntime.Exit exit) {
        state = terminated(
                exit.exitCode(),
                exit.exitCode() == 0 ? "Completed" : "Error",
                exit.terminationMessage().isEmpty() ? null : exit.terminationMessage(),
                startedAt,
                now());
        ready = false;
    }

    /** Before a restart: the run that just ended becomes lastState, as kubelet's CrashLoopBackOff shows. */
    void backingOff(String podName, long seconds) {
        lastState = state;
        restartCount++;
        state = waiting(
                "CrashLoopBackOff",
                "back-off " + seconds + "s restarting failed container=" + name + " pod=" + podName);
    }

    void ready(boolean value) {
        ready = value;
    }

    boolean isReady() {
        return ready;
    }

    boolean isRunning() {
        return state.getRunning() != null;
    }

    boolean completedSuccessfully() {
        return state.getTerminated() != null && state.getTerminated().getExitCode() == 0;
    }

    /** Init containers count as ready once they completed, like the kubelet reports them. */
    ContainerStatus status(boolean init) {
        return new ContainerStatusBuilder()
                .withName(name)
                .withImage(image)
                .withImageID(image + "@sha256:" + "0".repeat(64))
                .withContainerID(containerId)
                .withState(state)
                .withLastState(lastState)
                .withRestartCount(restartCount)
                .withReady(init ? completedSuccessfully() : ready)
                .withStarted(init ? null : state.getRunning() != null)
                .build();
    }

    private static ContainerState waiting(String reason, String message) {
        return new ContainerStateBuilder()
                .withNewWaiting()
                .withReason(reason)
                .withMessage(message)
                .endWaiting()
                .build();
    }

    private ContainerState terminated(int exitCode, String reason, String message, Instant started, Instant finished) {
        return new ContainerStateBuilder()
                .withNewTerminated()
                .withExitCode(exitCode)
                .withReason(reason)
                .withMessage(message)
                .withContainerID(containerId)
                .withStartedAt(started == null ? null : timestamp(started))
                .withFinishedAt(timestamp(finished))
                .endTerminated()
                .build();
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    static String timestamp(Instant instant) {
        return instant.toString();
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
