package io.procmodule.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link Limits} is the one source of the field limits; the other places that state them in their
 * own languages (CRD, agent script, kernel module, its Makefile, README) must agree with it.
 */
class LimitsTest {
    static final Path CRD = Path.of("../deploy/crds/procmodules.procmodule.io-v1.yml");
    static final Path AGENT = Path.of("../deploy/daemonset/procmodule-agent");
    static final Path MODULE = Path.of("../kmod/hello_proc.c");
    static final Path MAKEFILE = Path.of("../kmod/Makefile");
    static final Path README = Path.of("../README.md");

    @Test
    void derivationsHold() {
        assertThat(Limits.MAX_MODULE_NAME_LENGTH).isEqualTo(55);
        assertThat(Limits.MAX_ENTRY_NAME_LENGTH)
                .isEqualTo(Limits.MAX_MODULE_NAME_LENGTH - (ModuleName.BASE + "_").length())
                .isEqualTo(44)
                .isLessThanOrEqualTo(Limits.MODULE_MAX_ENTRY_NAME_LENGTH);
    }

    @Test
    void crdSchemaStatesTheLimits() throws IOException {
        CustomResourceDefinition crd =
                new KubernetesSerialization().unmarshal(Files.readString(CRD), CustomResourceDefinition.class);
        JSONSchemaProps spec = crd.getSpec()
                .getVersions()
                .get(0)
                .getSchema()
                .getOpenAPIV3Schema()
                .getProperties()
                .get("spec");
        assertThat(spec.getProperties().get("entryName").getMaxLength()).isEqualTo(Limits.MAX_ENTRY_NAME_LENGTH);
        assertThat(spec.getProperties().get("message").getMaxLength()).isEqualTo(Limits.MAX_MESSAGE_LENGTH);
    }

    @Test
    void agentChecksTheLimits() throws IOException {
        String agent = Files.readString(AGENT);
        assertThat(numbers(agent, "\\$\\{#PM_ENTRY_NAME\\}\" -le (\\d+)", "PM_ENTRY_NAME is longer than (\\d+)"))
                .containsOnly(Limits.MODULE_MAX_ENTRY_NAME_LENGTH);
        assertThat(numbers(agent, "\\$\\{#PM_MESSAGE\\}\" -le (\\d+)", "PM_MESSAGE is longer than (\\d+)"))
                .containsOnly(Limits.MAX_MESSAGE_LENGTH);
        assertThat(numbers(
                        agent,
                        "\\$\\{#PM_MODULE_NAME\\}\" -le (\\d+)",
                        "PM_MODULE_NAME is longer than (\\d+)",
                        "PM_MODULE_NAME must be 1-(\\d+)"))
                .containsOnly(Limits.MAX_MODULE_NAME_LENGTH);
    }

    @Test
    void kernelModuleChecksTheLimits() throws IOException {
        String module = Files.readString(MODULE);
        assertThat(numbers(module, "#define ENTRY_NAME_MAX\\s+(\\d+)", "name of the /proc entry: 1-(\\d+)"))
                .containsOnly(Limits.MODULE_MAX_ENTRY_NAME_LENGTH);
        assertThat(numbers(module, "#define MESSAGE_MAX\\s+(\\d+)", "newline is appended: 1-(\\d+)"))
                .containsOnly(Limits.MAX_MESSAGE_LENGTH);
    }

    @Test
    void makefileChecksTheModuleNameLimit() throws IOException {
        String makefile = Files.readString(MAKEFILE);
        List<Integer> stated = numbers(makefile, "want 1-(\\d+) chars", "at most (\\d+) chars");
        List<Integer> regexTail = numbers(makefile, "\\[A-Za-z0-9_\\]\\{0,(\\d+)\\}");
        assertThat(stated).containsOnly(Limits.MAX_MODULE_NAME_LENGTH);
        assertThat(regexTail).as("first character + {0,n}").containsOnly(Limits.MAX_MODULE_NAME_LENGTH - 1);
    }

    @Test
    void readmeStatesTheLimits() throws IOException {
        String readme = Files.readString(README);
        assertThat(numbers(readme, "`entryName` \\| `hello_world` \\| 1–(\\d+) chars"))
                .containsOnly(Limits.MAX_ENTRY_NAME_LENGTH);
        assertThat(numbers(readme, "`message` \\| `Hello, World!` \\| 1–(\\d+) printable"))
                .containsOnly(Limits.MAX_MESSAGE_LENGTH);
    }

    /** Every number the patterns capture; each pattern must match at least once. */
    static List<Integer> numbers(String text, String... patterns) {
        return Arrays.stream(patterns)
                .flatMap(p -> {
                    Matcher m = Pattern.compile(p).matcher(text);
                    List<Integer> found = new ArrayList<>();
                    while (m.find()) {
                        found.add(Integer.parseInt(m.group(1)));
                    }
                    assertThat(found).as("a limit stated as /%s/", p).isNotEmpty();
                    return found.stream();
                })
                .toList();
    }
}
