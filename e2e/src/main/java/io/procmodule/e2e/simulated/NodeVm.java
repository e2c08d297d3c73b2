package io.procmodule.e2e.simulated;

import io.procmodule.e2e.HostProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One QEMU node, driven through the project's only VM tooling, {@code test/vm/node} (boot,
 * exec over ssh with every argument passed verbatim, power-cycle into another kernel).
 */
final class NodeVm {
    private static final Logger LOG = LoggerFactory.getLogger(NodeVm.class);
    // The first start on a fresh machine builds the root filesystem (debootstrap) and the disks.
    private static final Duration START_TIMEOUT = Duration.ofMinutes(20);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);

    private final Path cli;
    private final Path stateDir;
    private final String name;
    private final boolean headers;
    private volatile String kernel;

    NodeVm(Path repoRoot, Path stateDir, String name, String kernel, boolean headers) {
        this.cli = repoRoot.resolve("test/vm/node");
        this.stateDir = stateDir;
        this.name = name;
        this.kernel = kernel;
        this.headers = headers;
    }

    String name() {
        return name;
    }

    /** The kernel release the VM was last booted into. */
    String kernel() {
        return kernel;
    }

    boolean hasHeaders() {
        return headers;
    }

    void start() {
        boot("start", kernel);
    }

    /** Power-cycles the VM (disk kept, /run lost) into {@code newKernel}. */
    void reboot(String newKernel) {
        boot("reboot", newKernel);
        kernel = newKernel;
    }

    void stop() {
        HostProcess.run(List.of(cli.toString(), "stop", name, "--state", stateDir.toString()), STOP_TIMEOUT)
                .outputOrThrow(List.of("node", "stop", name));
    }

    /** Runs {@code argv} as root in the VM and waits at most {@code timeout}. Exit 255: ssh failed. */
    HostProcess.Result exec(List<String> argv, Duration timeout) {
        List<String> command =
                new ArrayList<>(List.of(cli.toString(), "exec", name, "--state", stateDir.toString(), "--"));
        command.addAll(argv);
        return HostProcess.run(command, timeout);
    }

    /** The output of {@code argv} in the VM; a failure is an error. */
    String output(List<String> argv, Duration timeout) {
        return exec(argv, timeout).outputOrThrow(argv);
    }

    private void boot(String verb, String release) {
        List<String> argv = new ArrayList<>(List.of(cli.toString(), verb, name, "--kernel", release));
        if (!headers) {
            argv.add("--no-headers");
        }
        argv.addAll(List.of("--state", stateDir.toString()));
        HostProcess.Result result = HostProcess.run(argv, START_TIMEOUT);
        result.outputOrThrow(argv);
        // test/vm/node reports the boot time on stderr; keep it in the log.
        LOG.info("{}", result.stderr().strip());
    }
}
