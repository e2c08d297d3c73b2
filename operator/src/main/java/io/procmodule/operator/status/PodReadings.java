package io.procmodule.operator.status;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.api.NodeState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads node states from pod statuses, following the pod shape of deploy/daemonset/daemonset.yaml:
 * init containers build and load, main container monitor (the agent's {@code monitor} step, whose readiness
 * probe runs its {@code verify} step).
 */
public final class PodReadings {
    static final String BUILD = "build";
    static final String LOAD = "load";
    static final String MONITOR = "monitor";
    /** Waiting reasons that will not fix themselves: the user has to act. */
    static final Set<String> STUCK_WAITING_REASONS = Set.of(
            "ErrImagePull",
            "ImagePullBackOff",
            "InvalidImageName",
            "CreateContainerConfigError",
            "CreateContainerError",
            "RunContainerError");

    private PodReadings() {}

    /**
     * Order matters: a ready monitor container wins (the module works now, whatever failed before);
     * then any failure, current or last (a restarted container still failed); then progress.
     */
    public static NodeReading agent(Pod pod, String currentConfigHash) {
        if (!currentConfigHash.equals(configHash(pod))) {
            return new NodeReading(
                    NodeState.Pending,
                    "Outdated",
                    "pod " + pod.getMetadata().getName() + " runs an older configuration; waiting for its replacement");
        }
        List<ContainerStatus> statuses = containerStatuses(pod);
        Optional<ContainerStatus> monitor = find(statuses, MONITOR);
        if (monitor.map(s -> Boolean.TRUE.equals(s.getReady())).orElse(false)) {
            TerminationMessage loaded = TerminationMessage.parse(
                    find(statuses, LOAD).map(PodReadings::terminationMessage).orElse(null),
                    "Verified",
                    "module loaded and verified");
            return new NodeReading(NodeState.Verified, loaded.reason(), loaded.message());
        }
        for (ContainerStatus s : statuses) {
            Optional<NodeReading> failure = failure(s);
            if (failure.isPresent()) {
                return failure.get();
            }
        }
        if (running(find(statuses, BUILD))) {
            return new NodeReading(
                    NodeState.Building, "Building", "compiling the module against the node's kernel headers");
        }
        if (running(find(statuses, LOAD))) {
            return new NodeReading(NodeState.Loading, "Loading", "loading the module and checking its /proc entry");
        }
        if (running(find(statuses, MONITOR))) {
            return new NodeReading(
                    NodeState.Verifying, "Verifying", "waiting for the readiness probe to read the entry");
        }
        return pending(pod, statuses);
    }

    /**
     * Whether the pod (current configuration) is retrying a container that failed before although
     * the kubelet no longer reports how: restarted, no last termination, not terminated now. A real
     * kubelet reports crash-looping init containers like this between two attempts.
     */
    static boolean retryingAfterForgottenFailure(Pod pod, String currentConfigHash) {
        if (pod == null || !currentConfigHash.equals(configHash(pod))) {
            return false;
        }
        return containerStatuses(pod).stream()
                .anyMatch(s -> s.getRestartCount() != null
                        && s.getRestartCount() > 0
                        && (s.getLastState() == null || s.getLastState().getTerminated() == null)
                        && terminated(s) == null);
    }

    /** A replaced pod may linger while terminating: the one that is not being deleted, newest first, counts. */
    private static final Comparator<Pod> PREFERENCE = Comparator.comparing(
                    (Pod p) -> p.getMetadata().getDeletionTimestamp() == null)
            .thenComparing(p ->
                    Optional.ofNullable(p.getMetadata().getCreationTimestamp()).orElse(""));

    /** The pod that speaks for its node, per node. */
    static Map<String, Pod> newestByNode(Collection<Pod> pods) {
        Map<String, Pod> byNode = new HashMap<>();
        pods.stream()
                .filter(p -> p.getSpec() != null && p.getSpec().getNodeName() != null)
                .forEach(p -> byNode.merge(p.getSpec().getNodeName(), p, PodReadings::preferred));
        return byNode;
    }

    /** Of the pods on one node, the one that speaks for it; null when there is none. */
    public static Pod newest(Collection<Pod> podsOnOneNode) {
        return podsOnOneNode.stream().reduce(PodReadings::preferred).orElse(null);
    }

    private static Pod preferred(Pod a, Pod b) {
        return PREFERENCE.compare(a, b) >= 0 ? a : b;
    }

    /** An unload pod: Succeeded confirms; anything else is still unloading (retries restart it). */
    public static NodeReading unload(Pod pod) {
        List<ContainerStatus> statuses = containerStatuses(pod);
        if ("Succeeded".equals(phase(pod))) {
            TerminationMessage done = TerminationMessage.parse(
                    statuses.stream()
                            .filter(c -> terminated(c) != null)
                            .findFirst()
                            .map(PodReadings::terminationMessage)
                            .orElse(null),
                    "Unloaded",
                    "module unloaded");
            return new NodeReading(NodeState.Unloaded, done.reason(), done.message());
        }
        for (ContainerStatus s : statuses) {
            Optional<NodeReading> failure = failure(s);
            if (failure.isPresent()) {
                return new NodeReading(
                        NodeState.Unloading,
                        failure.get().reason(),
                        "retrying: " + failure.get().message());
            }
        }
        return new NodeReading(
                NodeState.Unloading,
                "Unloading",
                "unload pod " + pod.getMetadata().getName() + " is "
                        + Optional.ofNullable(phase(pod)).orElse("Pending"));
    }

    private static Optional<NodeReading> failure(ContainerStatus s) {
        for (ContainerState state : new ContainerState[] {s.getState(), s.getLastState()}) {
            ContainerStateTerminated t = state == null ? null : state.getTerminated();
            // "Unknown" (exit 255) is how the kubelet reports a container that did not exit by itself:
            // its node rebooted or the runtime lost it. The agent did not fail; the pod starts over.
            if (t != null && t.getExitCode() != null && t.getExitCode() != 0 && !"Unknown".equals(t.getReason())) {
                TerminationMessage m = TerminationMessage.parse(
                        t.getMessage(),
                        "ContainerFailed",
                        "container " + s.getName() + " exited with code " + t.getExitCode()
                                + (t.getReason() == null ? "" : " (" + t.getReason() + ")"));
                return Optional.of(new NodeReading(NodeState.Failed, m.reason(), m.message()));
            }
        }
        ContainerStateWaiting w = s.getState() == null ? null : s.getState().getWaiting();
        if (w != null && STUCK_WAITING_REASONS.contains(w.getReason())) {
            return Optional.of(new NodeReading(
                    NodeState.Failed,
                    w.getReason(),
                    "container " + s.getName() + ": "
                            + Optional.ofNullable(w.getMessage()).orElse(w.getReason())));
        }
        return Optional.empty();
    }

    private static NodeReading pending(Pod pod, List<ContainerStatus> statuses) {
        String waiting = statuses.stream()
                .map(s -> s.getState() == null ? null : s.getState().getWaiting())
                .filter(w -> w != null && w.getReason() != null)
                .map(ContainerStateWaiting::getReason)
                .findFirst()
                .orElse(null);
        return new NodeReading(
                NodeState.Pending,
                waiting == null ? "PodPending" : waiting,
                "pod " + pod.getMetadata().getName() + " is "
                        + Optional.ofNullable(phase(pod)).orElse("Pending"));
    }

    private static List<ContainerStatus> containerStatuses(Pod pod) {
        List<ContainerStatus> all = new ArrayList<>();
        if (pod.getStatus() != null) {
            if (pod.getStatus().getInitContainerStatuses() != null) {
                all.addAll(pod.getStatus().getInitContainerStatuses());
            }
            if (pod.getStatus().getContainerStatuses() != null) {
                all.addAll(pod.getStatus().getContainerStatuses());
            }
        }
        return all;
    }

    private static Optional<ContainerStatus> find(List<ContainerStatus> statuses, String name) {
        return statuses.stream().filter(s -> name.equals(s.getName())).findFirst();
    }

    private static boolean running(Optional<ContainerStatus> status) {
        return status.map(s -> s.getState() != null && s.getState().getRunning() != null)
                .orElse(false);
    }

    private static ContainerStateTerminated terminated(ContainerStatus s) {
        return s.getState() == null ? null : s.getState().getTerminated();
    }

    /** The message of a container that terminated; null (the parser's fallback) otherwise. */
    private static String terminationMessage(ContainerStatus s) {
        ContainerStateTerminated t = terminated(s);
        return t == null ? null : t.getMessage();
    }

    private static String configHash(Pod pod) {
        return AgentLabels.configHashOf(pod.getMetadata());
    }

    private static String phase(Pod pod) {
        return pod.getStatus() == null ? null : pod.getStatus().getPhase();
    }
}
