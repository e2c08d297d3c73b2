package io.procmodule.operator.testing;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.procmodule.operator.OperatorConfig;
import java.time.Instant;
import java.util.List;

/**
 * Pod statuses as the kubelet reports them for the agent pod (init containers build and load, main
 * container monitor) and the unload pod (container unload), at each stage of their life.
 */
public final class PodStatuses {
    private PodStatuses() {}

    /** Scheduled, images being pulled: nothing runs yet. */
    public static PodStatus agentPending() {
        return agent(
                "Pending", waiting("PodInitializing"), waiting("PodInitializing"), waiting("PodInitializing"), false);
    }

    public static PodStatus agentBuilding() {
        return agent("Pending", running(), waiting("PodInitializing"), waiting("PodInitializing"), false);
    }

    public static PodStatus agentLoading() {
        return agent(
                "Pending",
                terminated(0, "Built\nhello_proc built for this kernel"),
                running(),
                waiting("PodInitializing"),
                false);
    }

    public static PodStatus agentVerifying() {
        return agent(
                "Running",
                terminated(0, "CacheHit\nreused the cached build"),
                terminated(0, "Loaded\nhello_proc loaded; /proc/hello_world verified"),
                running(),
                false);
    }

    public static PodStatus agentVerified(String loadReason) {
        return agent(
                "Running",
                terminated(0, "CacheHit\nreused the cached build"),
                terminated(0, loadReason + "\nhello_proc loaded; /proc/hello_world verified"),
                running(),
                true);
    }

    /** The build init container failed and is being restarted (CrashLoopBackOff). */
    public static PodStatus agentBuildFailed(String reason, String message) {
        ContainerStatus build = status("build", waiting("CrashLoopBackOff"), false, 3);
        build.setLastState(terminated(1, reason + "\n" + message));
        return new PodStatusBuilder()
                .withPhase("Pending")
                .withInitContainerStatuses(build, status("load", waiting("PodInitializing"), false, 0))
                .withContainerStatuses(status("monitor", waiting("PodInitializing"), false, 0))
                .withConditions(condition("Initialized", false), condition("Ready", false))
                .build();
    }

    /** The monitor container found the entry wrong and exited. */
    public static PodStatus agentVerifyFailed(String reason, String message) {
        PodStatus s = agentVerifying();
        ContainerStatus monitor = status("monitor", waiting("CrashLoopBackOff"), false, 1);
        monitor.setLastState(terminated(2, reason + "\n" + message));
        s.setContainerStatuses(List.of(monitor));
        return s;
    }

    public static PodStatus unloadRunning() {
        return new PodStatusBuilder()
                .withPhase("Running")
                .withContainerStatuses(status("unload", running(), true, 0))
                .build();
    }

    public static PodStatus unloadSucceeded(String reason) {
        return new PodStatusBuilder()
                .withPhase("Succeeded")
                .withContainerStatuses(
                        status("unload", terminated(0, reason + "\nmodule gone from the node"), false, 0))
                .build();
    }

    public static PodStatus unloadFailing(String reason, String message) {
        ContainerStatus c = status("unload", waiting("CrashLoopBackOff"), false, 2);
        c.setLastState(terminated(1, reason + "\n" + message));
        return new PodStatusBuilder()
                .withPhase("Running")
                .withContainerStatuses(c)
                .build();
    }

    private static PodStatus agent(
            String phase, ContainerState build, ContainerState load, ContainerState monitor, boolean ready) {
        boolean initialized = build.getTerminated() != null && load.getTerminated() != null;
        return new PodStatusBuilder()
                .withPhase(phase)
                .withHostIP("10.0.0.1")
                .withStartTime(Instant.now().toString())
                .withInitContainerStatuses(
                        status("build", build, build.getTerminated() != null, 0),
                        status("load", load, load.getTerminated() != null, 0))
                .withContainerStatuses(status("monitor", monitor, ready, 0))
                .withConditions(
                        condition("Initialized", initialized),
                        condition("ContainersReady", ready),
                        condition("Ready", ready))
                .build();
    }

    private static ContainerStatus status(String name, ContainerState state, boolean ready, int restarts) {
        return new ContainerStatusBuilder()
                .withName(name)
                .withImage(OperatorConfig.DEFAULT_AGENT_IMAGE)
                .withState(state)
                .withReady(ready)
                .withRestartCount(restarts)
                .withStarted(state.getRunning() != null)
                .build();
    }

    private static ContainerState waiting(String reason) {
        return new ContainerStateBuilder()
                .withNewWaiting()
                .withReason(reason)
                .endWaiting()
                .build();
    }

    private static ContainerState running() {
        return new ContainerStateBuilder()
                .withNewRunning()
                .withStartedAt(Instant.now().toString())
                .endRunning()
                .build();
    }

    private static ContainerState terminated(int exitCode, String message) {
        return new ContainerStateBuilder()
                .withNewTerminated()
                .withExitCode(exitCode)
                .withReason(exitCode == 0 ? "Completed" : "Error")
                .withMessage(message)
                .withFinishedAt(Instant.now().toString())
                .endTerminated()
                .build();
    }

    private static PodCondition condition(String type, boolean status) {
        return new PodConditionBuilder()
                .withType(type)
                .withStatus(status ? "True" : "False")
                .build();
    }
}
