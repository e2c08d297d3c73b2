package io.procmodule.e2e.simulated;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.procmodule.operator.testing.KubeletEnv;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A pod's container as {@code pm-pod-run} arguments: hostPath volume mounts at their mount paths
 * (read-only when the mount says so), the environment with downward-API fields resolved and values
 * expanded as the kubelet does ({@code $(VAR)}, {@code $$}), the container's capabilities, then
 * {@code --} and command + args. The agent's pods use nothing else; anything else is refused
 * loudly rather than silently ignored.
 */
record ContainerCommand(String name, List<String> podRunArguments) {
    static final String DEFAULT_TERMINATION_MESSAGE_PATH = "/dev/termination-log";

    static ContainerCommand of(Pod pod, Container container) {
        List<String> args = new ArrayList<>(environmentAndMounts(pod, container));
        args.add("--");
        args.addAll(command(container, container.getCommand(), container.getArgs()));
        return new ContainerCommand(container.getName(), List.copyOf(args));
    }

    /** The exec readiness probe, run with the container's mounts and environment. */
    static ContainerCommand probe(Pod pod, Container container) {
        List<String> args = new ArrayList<>(environmentAndMounts(pod, container));
        args.add("--");
        args.addAll(command(container, container.getReadinessProbe().getExec().getCommand(), null));
        return new ContainerCommand(container.getName() + "-probe", List.copyOf(args));
    }

    private static List<String> environmentAndMounts(Pod pod, Container container) {
        String path = container.getTerminationMessagePath();
        if (path != null && !DEFAULT_TERMINATION_MESSAGE_PATH.equals(path)) {
            throw unsupported(
                    container,
                    "terminationMessagePath " + path + " (pm-pod-run binds " + DEFAULT_TERMINATION_MESSAGE_PATH + ")");
        }
        List<String> args = new ArrayList<>();
        for (VolumeMount mount : nullToEmpty(container.getVolumeMounts())) {
            Volume volume = nullToEmpty(pod.getSpec().getVolumes()).stream()
                    .filter(v -> v.getName().equals(mount.getName()))
                    .findFirst()
                    .orElseThrow(() -> unsupported(container, "volumeMount " + mount.getName() + " without a volume"));
            if (volume.getHostPath() == null) {
                throw unsupported(container, "volume " + volume.getName() + " is not a hostPath");
            }
            args.add("--mount");
            args.add(volume.getHostPath().getPath() + ":" + mount.getMountPath()
                    + (Boolean.TRUE.equals(mount.getReadOnly()) ? ":ro" : ""));
        }
        args.addAll(privileges(container));
        Map<String, String> defined = new HashMap<>();
        for (EnvVar env : nullToEmpty(container.getEnv())) {
            String value = value(pod, container, env, defined);
            defined.put(env.getName(), value);
            args.add("--env");
            args.add(env.getName() + "=" + value);
        }
        return args;
    }

    /** Privileged: every capability; otherwise exactly the added ones (the templates drop ALL). */
    private static List<String> privileges(Container container) {
        SecurityContext context = container.getSecurityContext();
        if (context != null && Boolean.TRUE.equals(context.getPrivileged())) {
            return List.of();
        }
        if (context == null
                || context.getCapabilities() == null
                || !nullToEmpty(context.getCapabilities().getDrop()).contains("ALL")) {
            throw unsupported(container, "capabilities other than drop ALL (+ add)");
        }
        return List.of(
                "--caps",
                String.join(",", nullToEmpty(context.getCapabilities().getAdd()))
                        .toLowerCase(Locale.ROOT));
    }

    private static String value(Pod pod, Container container, EnvVar env, Map<String, String> definedBefore) {
        if (env.getValueFrom() == null) {
            return KubeletEnv.expand(Objects.requireNonNullElse(env.getValue(), ""), definedBefore);
        }
        String field = env.getValueFrom().getFieldRef() == null
                ? null
                : env.getValueFrom().getFieldRef().getFieldPath();
        if (field == null) {
            throw unsupported(container, "env " + env.getName() + " from anything but a fieldRef");
        }
        return switch (field) {
            case "spec.nodeName" -> pod.getSpec().getNodeName();
            case "metadata.name" -> pod.getMetadata().getName();
            case "metadata.namespace" -> pod.getMetadata().getNamespace();
            case "metadata.uid" -> pod.getMetadata().getUid();
            default -> throw unsupported(container, "env " + env.getName() + " from field " + field);
        };
    }

    /** The images have no entrypoint the stand-in could know of: the pod must name the command. */
    private static List<String> command(Container container, List<String> command, List<String> args) {
        if (command == null || command.isEmpty()) {
            throw unsupported(container, "a container without command");
        }
        List<String> all = new ArrayList<>(command);
        all.addAll(nullToEmpty(args));
        return all;
    }

    private static IllegalArgumentException unsupported(Container container, String what) {
        return new IllegalArgumentException(
                "the simulated kubelet does not support " + what + " (container " + container.getName() + ")");
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
