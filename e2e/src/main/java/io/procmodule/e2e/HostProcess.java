package io.procmodule.e2e;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A host program run with an argument vector (never a shell string), for the kind cluster (docker,
 * kubectl) and the simulated one (QEMU nodes). Besides waiting for it, the simulated kubelet keeps
 * long-running ones (a pod's main container) and collects them later.
 */
public final class HostProcess {
    // Not the common pool: a pod's main container keeps its output streams open for minutes, and
    // on 2 cores the common pool has one thread.
    private static final ExecutorService DRAINERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "host-process-output");
        t.setDaemon(true);
        return t;
    });
    private final List<String> argv;
    private final Process process;
    private final CompletableFuture<String> stdout;
    private final CompletableFuture<String> stderr;

    private HostProcess(List<String> argv, Process process) {
        this.argv = argv;
        this.process = process;
        this.stdout = drain(process.getInputStream());
        this.stderr = drain(process.getErrorStream());
    }

    public record Result(int exitCode, String stdout, String stderr) {
        /** The program's output; a non-zero exit is an error carrying its stderr. */
        public String outputOrThrow(List<String> argv) {
            return outputOrThrow(argv.toString());
        }

        /** For a command whose argv alone does not say where it ran (on a node): the error names it {@code command}. */
        public String outputOrThrow(String command) {
            if (exitCode != 0) {
                throw new IllegalStateException(command + " exited " + exitCode + ": " + stderr.strip());
            }
            return stdout;
        }
    }

    public static HostProcess start(List<String> argv) {
        try {
            return new HostProcess(
                    argv,
                    new ProcessBuilder(argv)
                            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                            .start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + argv, e);
        }
    }

    public static Result run(List<String> argv, Duration timeout) {
        return start(argv).await(timeout);
    }

    /** Waits for the program; past {@code timeout} it is killed and this throws. */
    public Result await(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(argv + " did not finish within " + timeout);
            }
            return new Result(process.exitValue(), stdout.join(), stderr.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + argv, e);
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try (stream) {
                        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                DRAINERS);
    }
}
