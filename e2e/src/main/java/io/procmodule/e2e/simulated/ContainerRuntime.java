package io.procmodule.e2e.simulated;

import io.procmodule.e2e.HostProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The container runtime of one simulated node: runs a container (as {@code pm-pod-run}, the
 * node's stand-in for a container: private mount namespace over the image's files, hostPath
 * binds, the termination-log file) inside the node's VM, stops it, and runs exec probes.
 *
 * <p>The in-VM shell snippets below are constants; every value (paths, environment, command)
 * reaches them as a positional argument, never as shell text.
 */
final class ContainerRuntime {
    /** What a finished container left behind. */
    record Exit(int exitCode, String terminationMessage) {}

    /**
     * $1 pod dir, $2 container name, then pm-pod-run's arguments. The container gets its own session
     * (so stopping it reaches its children, e.g. make and gcc) and records its pid; its output goes
     * to a log in the VM, like a kubelet's container log; stdout carries only the termination message.
     */
    private static final String RUN = """
      dir=$1 name=$2
      shift 2
      mkdir -p "$dir"
      : > "$dir/$name.termination-log"
      setsid -w sh -c 'echo "$$" > "$1"; shift; exec "$@"' container "$dir/$name.pid" \\
        pm-pod-run --termination-log "$dir/$name.termination-log" "$@" > "$dir/$name.log" 2>&1
      rc=$?
      rm -f "$dir/$name.pid"
      cat "$dir/$name.termination-log"
      exit "$rc"
      """;

    /**
     * $1 pid file, $2 grace period in tenths of a second: SIGTERM to the group, then SIGKILL. (The
     * node's sh is dash, whose kill takes no "--" before a negative pid.)
     */
    private static final String STOP = """
      pid=$(cat "$1" 2>/dev/null) || exit 0
      kill -TERM "-$pid" 2>/dev/null || exit 0
      i=0
      while kill -0 "-$pid" 2>/dev/null; do
        i=$((i + 1))
        if [ "$i" -gt "$2" ]; then kill -KILL "-$pid" 2>/dev/null; exit 0; fi
        sleep 0.1
      done
      """;

    /** Per-pod files live on the node's tmpfs /run, so a reboot clears them like a kubelet's. */
    private static final String POD_DIR = "/run/pm-kubelet/";
    /** A main container runs until it exits or is stopped. */
    private static final Duration NO_LIMIT = Duration.ofDays(1);

    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);
    /**
     * TCG emulates the CPU about ten times slower than hardware, and a node's one vCPU is shared with
     * any module build running there: a probe that takes well under a second on a real node took
     * over 30 s here on a loaded host. Its timeout is enforced, but never below this.
     */
    private static final Duration PROBE_TIMEOUT_FLOOR = Duration.ofSeconds(90);

    /** What test/vm/node exec (ssh) returns when it could not run the command. */
    private static final int SSH_FAILED = 255;

    private final NodeVm vm;

    ContainerRuntime(NodeVm vm) {
        this.vm = vm;
    }

    NodeVm vm() {
        return vm;
    }

    /** Runs the container to completion. SSH failing (the VM went away) is exit 255, as from ssh. */
    Exit run(String podUid, ContainerCommand container) {
        List<String> argv =
                new ArrayList<>(List.of("sh", "-c", RUN, "run-container", POD_DIR + podUid, container.name()));
        argv.addAll(container.podRunArguments());
        HostProcess.Result result = vm.exec(argv, NO_LIMIT);
        return new Exit(result.exitCode(), result.stdout());
    }

    /** Stops the container if it runs, like a kubelet: SIGTERM, then SIGKILL after the grace period. */
    void stop(String podUid, String containerName, Duration grace) {
        vm.exec(
                List.of(
                        "sh",
                        "-c",
                        STOP,
                        "stop-container",
                        POD_DIR + podUid + "/" + containerName + ".pid",
                        Long.toString(grace.toMillis() / 100)),
                STOP_TIMEOUT);
    }

    /** An exec probe in a fresh view of the container (same mounts and environment), timed out in the VM. */
    /**
     * Empty when the probe could not run at all because ssh into the VM failed (exit 255, e.g. its
     * connect timeout on a starved host): that says nothing about the container, so the kubelet
     * keeps the last result instead of reporting a failure that a real node would not have.
     */
    Optional<Boolean> probe(ContainerCommand probe, Duration timeout) {
        Duration limit = timeout.compareTo(PROBE_TIMEOUT_FLOOR) < 0 ? PROBE_TIMEOUT_FLOOR : timeout;
        List<String> argv = new ArrayList<>(List.of("timeout", Long.toString(limit.toSeconds()), "pm-pod-run"));
        argv.addAll(probe.podRunArguments());
        int exit = vm.exec(argv, limit.plus(STOP_TIMEOUT)).exitCode();
        return exit == SSH_FAILED ? Optional.empty() : Optional.of(exit == 0);
    }
}
