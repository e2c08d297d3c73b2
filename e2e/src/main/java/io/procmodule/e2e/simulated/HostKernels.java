package io.procmodule.e2e.simulated;

import io.procmodule.e2e.HostProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The Debian kernels this machine can boot nodes into, found by the project's one kernel discovery
 * ({@code pm_kernels} in hack/lib/kernels.sh: a /boot image and a kbuild tree).
 */
public record HostKernels(String debian61, String debian612) {
    private static final String DISCOVER = ". \"$1\" && pm_kernels";

    /** The newest 6.1 and 6.12 releases, or empty when one of the series is missing. */
    public static Optional<HostKernels> discover(Path repoRoot) {
        List<String> releases = HostProcess.run(
                        List.of(
                                "sh",
                                "-c",
                                DISCOVER,
                                "kernels",
                                repoRoot.resolve("hack/lib/kernels.sh").toString()),
                        Duration.ofSeconds(30))
                .stdout()
                .lines()
                .toList();
        Optional<String> v61 = newest(releases, "6.1.");
        Optional<String> v612 = newest(releases, "6.12.");
        return v61.isPresent() && v612.isPresent()
                ? Optional.of(new HostKernels(v61.get(), v612.get()))
                : Optional.empty();
    }

    private static Optional<String> newest(List<String> releases, String series) {
        // pm_kernels sorts with sort -V: the last of a series is its newest.
        return releases.stream().filter(r -> r.startsWith(series)).reduce((a, b) -> b);
    }
}
