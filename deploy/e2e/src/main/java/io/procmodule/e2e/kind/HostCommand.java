package io.procmodule.e2e.kind;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a host program with an argument vector (never a shell string) and captures its output. */
record HostCommand(int exitCode, String stdout, String stderr) {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  static HostCommand run(List<String> argv) {
    try {
      Process process =
          new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      CompletableFuture<String> out = drain(process.getInputStream());
      CompletableFuture<String> err = drain(process.getErrorStream());
      if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(argv + " did not finish within " + TIMEOUT);
      }
      return new HostCommand(process.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + argv, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + argv, e);
    }
  }

  /** The program's standard output; a non-zero exit is an error carrying its stderr. */
  static String output(List<String> argv) {
    HostCommand result = run(argv);
    if (result.exitCode != 0) {
      throw new IllegalStateException(argv + " exited " + result.exitCode + ": " + result.stderr.strip());
    }
    return result.stdout;
  }

  /** Whether a program is installed and usable: its version command starts and exits 0. */
  static boolean available(List<String> versionArgv) {
    try {
      return run(versionArgv).exitCode == 0;
    } catch (UncheckedIOException e) {
      return false;
    }
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      try (stream) {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }
}
