package io.procmodule.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Files of the repository (manifests, sample, scripts), found from the build's repo root. */
public final class RepoFiles {
    private RepoFiles() {}

    public static Path root() {
        String configured = System.getProperty("procmodule.repoRoot");
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("deploy/kustomization.yaml"))) {
                return p;
            }
        }
        throw new IllegalStateException("repository root (with deploy/kustomization.yaml) not found from " + start);
    }

    public static Path path(String relative) {
        return root().resolve(relative);
    }

    public static String read(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every YAML file under deploy/, except build outputs. */
    public static List<Path> yamlUnderDeploy() {
        try (Stream<Path> files = Files.walk(path("deploy"))) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(p -> !root().relativize(p).toString().contains("/target/"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String relative(Path p) {
        return root().relativize(p).toString();
    }
}
