package io.procmodule.e2e.offline;

import static org.assertj.core.api.Assertions.assertThat;

import io.procmodule.e2e.RepoFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every deploy/... path in the README's code exists, and the ones run as commands are executable. */
class ReadmeCommandsTest {
    private static final Pattern REPO_PATH =
            Pattern.compile("(?<![\\w/.-])(?:deploy|hack|test|e2e|kmod)/[A-Za-z0-9._/-]*[A-Za-z0-9_-]");
    private static final Pattern FENCE = Pattern.compile("(?m)^```");

    /** Lines of fenced (```) and indented (4 spaces) code blocks. */
    static List<String> codeLines(String markdown) {
        List<String> lines = new ArrayList<>();
        boolean fenced = false;
        for (String line : markdown.lines().toList()) {
            if (FENCE.matcher(line).find()) {
                fenced = !fenced;
            } else if (fenced || line.startsWith("    ")) {
                lines.add(line.strip());
            }
        }
        return lines;
    }

    @Test
    void readmeCommandsExist() {
        List<String> code = codeLines(RepoFiles.read("README.md"));
        List<String> checked = new ArrayList<>();
        for (String line : code) {
            String command = line.startsWith("$ ") ? line.substring(2) : line;
            Matcher m = REPO_PATH.matcher(command);
            while (m.find()) {
                Path path = RepoFiles.path(m.group());
                assertThat(path).as("README: %s", line).exists();
                if (m.start() == 0 || command.substring(0, m.start()).matches(".*(&&|;|\\|)\\s*$")) {
                    assertThat(Files.isExecutable(path))
                            .as("README runs %s: executable", m.group())
                            .isTrue();
                }
                checked.add(m.group());
            }
        }
        // The README must name the main command and the test command at least.
        assertThat(checked).contains("hack/demo", "hack/test");
    }

    @Test
    void codeLinesAreFoundInBothBlockStyles() {
        String markdown = "text deploy/nothing\n\n    hack/demo\n\n```sh\nkubectl apply -k deploy/\n```\n";
        assertThat(codeLines(markdown)).containsExactly("hack/demo", "kubectl apply -k deploy/");
    }
}
