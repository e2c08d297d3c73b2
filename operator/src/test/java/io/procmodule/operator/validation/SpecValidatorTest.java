package io.procmodule.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpecValidatorTest {
    static List<String> validate(Consumer<ProcModule> change) {
        ProcModule pm = new ProcModule();
        pm.setMetadata(new ObjectMetaBuilder().withName("hello").build());
        change.accept(pm);
        return SpecValidator.validate(pm);
    }

    @Test
    void defaultsAreValid() {
        assertThat(validate(pm -> {})).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"hello_world", "a", "my-entry.v2", "A.b_C-1", "x0123456789012345678901234567890123456789012"})
    void acceptsEntryNames(String entry) {
        assertThat(validate(pm -> pm.getSpec().setEntryName(entry))).isEmpty();
    }

    @Test
    void rejectsEntryNamesTheModuleCannotCarry() {
        assertThat(validate(pm -> pm.getSpec().setEntryName("")))
                .singleElement()
                .asString()
                .contains("1-44 characters");
        assertThat(validate(pm -> pm.getSpec().setEntryName("x".repeat(45))))
                .singleElement()
                .asString()
                .contains("spec.entryName");
        assertThat(validate(pm -> pm.getSpec().setEntryName("a/b"))).hasSize(1);
        assertThat(validate(pm -> pm.getSpec().setEntryName("a b"))).hasSize(1);
        assertThat(validate(pm -> pm.getSpec().setEntryName(".")))
                .containsExactly("spec.entryName must not be \".\" or \"..\"");
        assertThat(validate(pm -> pm.getSpec().setEntryName(".."))).hasSize(1);
        assertThat(validate(pm -> pm.getSpec().setEntryName("0042")))
                .singleElement()
                .asString()
                .contains("all digits");
    }

    @Test
    void rejectsEntryNamesTheKubeletMasksInUnprivilegedContainers() {
        for (String masked : List.of("timer_stats", "kcore", "acpi", "interrupts")) {
            assertThat(validate(pm -> pm.getSpec().setEntryName(masked)))
                    .as(masked)
                    .singleElement()
                    .asString()
                    .contains("spec.entryName \"" + masked + "\" is masked by the kubelet");
        }
        assertThat(validate(pm -> pm.getSpec().setEntryName("timer_stats2"))).isEmpty();
        assertThat(validate(pm -> pm.getSpec().setEntryName("Timer_stats"))).isEmpty();
    }

    @Test
    void entryNameCannotChangeOnceApplied() {
        List<String> v = validate(pm -> {
            ProcModuleStatus s = new ProcModuleStatus();
            s.setEntryName("hello_world");
            s.setModuleName("hello_proc");
            pm.setStatus(s);
            pm.getSpec().setEntryName("other");
        });
        assertThat(v).singleElement().asString().contains("immutable").contains("hello_world");
    }

    @Test
    void messageMustBePrintableAsciiWithoutQuotes() {
        assertThat(validate(pm -> pm.getSpec().setMessage("Hello, World! ~{}[]'`$\\")))
                .isEmpty();
        assertThat(validate(pm -> pm.getSpec().setMessage("x".repeat(1024)))).isEmpty();
        assertThat(validate(pm -> pm.getSpec().setMessage("")))
                .singleElement()
                .asString()
                .contains("1-1024");
        assertThat(validate(pm -> pm.getSpec().setMessage("x".repeat(1025)))).hasSize(1);
        assertThat(validate(pm -> pm.getSpec().setMessage("say \"hi\"")))
                .singleElement()
                .asString()
                .contains("'\"'");
        assertThat(validate(pm -> pm.getSpec().setMessage("two\nlines"))).hasSize(1);
        assertThat(validate(pm -> pm.getSpec().setMessage("tab\there"))).hasSize(1);
        assertThat(validate(pm -> pm.getSpec().setMessage("grüß"))).hasSize(1);
    }

    @Test
    void nodeSelectorMustUseLabelSyntax() {
        assertThat(validate(pm -> pm.getSpec()
                        .setNodeSelector(Map.of(
                                "kubernetes.io/os",
                                "linux",
                                "node-role.kubernetes.io/worker",
                                "",
                                "example.com/a_b.c",
                                "v-1.2_3"))))
                .isEmpty();
        assertThat(validate(pm -> pm.getSpec().setNodeSelector(Map.of("bad key", "x"))))
                .singleElement()
                .asString()
                .contains("key \"bad key\"");
        assertThat(validate(pm -> pm.getSpec().setNodeSelector(Map.of("Example.com/x", "x"))))
                .hasSize(1);
        assertThat(validate(pm -> pm.getSpec().setNodeSelector(Map.of("x".repeat(64), "x"))))
                .hasSize(1);
        assertThat(validate(pm -> pm.getSpec().setNodeSelector(Map.of("k", "-x"))))
                .singleElement()
                .asString()
                .contains("value \"-x\"");
        assertThat(validate(pm -> pm.getSpec().setNodeSelector(Map.of("k", "v".repeat(64)))))
                .hasSize(1);
    }

    /** Each case is one the API server's ValidateTolerations rejects (so would the DaemonSet). */
    @Test
    void tolerationsTheApiServerRejectsAreRejected() {
        List<Map.Entry<String, Toleration>> rejected = List.of(
                Map.entry(
                        "key",
                        new TolerationBuilder()
                                .withKey("bad key!")
                                .withOperator("Exists")
                                .build()),
                Map.entry(
                        "key",
                        new TolerationBuilder()
                                .withKey("-bad/")
                                .withOperator("Exists")
                                .build()),
                Map.entry(
                        "value",
                        new TolerationBuilder()
                                .withKey("k")
                                .withValue("has space")
                                .build()),
                Map.entry(
                        "value",
                        new TolerationBuilder()
                                .withKey("k")
                                .withOperator("Equal")
                                .withValue("v".repeat(64))
                                .build()),
                Map.entry(
                        "tolerationSeconds",
                        new TolerationBuilder()
                                .withKey("k")
                                .withOperator("Exists")
                                .withEffect("NoSchedule")
                                .withTolerationSeconds(30L)
                                .build()),
                Map.entry(
                        "tolerationSeconds",
                        new TolerationBuilder()
                                .withKey("k")
                                .withOperator("Exists")
                                .withTolerationSeconds(30L)
                                .build()));
        for (Map.Entry<String, Toleration> c : rejected) {
            assertThat(validate(pm -> pm.getSpec().setTolerations(List.of(c.getValue()))))
                    .as(c.getValue().toString())
                    .singleElement()
                    .asString()
                    .contains("spec.tolerations[0]." + c.getKey());
        }
        assertThat(validate(pm -> pm.getSpec()
                        .setTolerations(List.of(
                                new TolerationBuilder()
                                        .withKey("example.com/maintenance")
                                        .withOperator("Exists")
                                        .withEffect("NoExecute")
                                        .withTolerationSeconds(30L)
                                        .build(),
                                new TolerationBuilder()
                                        .withKey("dedicated")
                                        .withValue("gpu-a_1.x")
                                        .build()))))
                .isEmpty();
    }

    @Test
    void tolerationsMustBeWellFormed() {
        assertThat(validate(pm -> pm.getSpec()
                        .setTolerations(List.of(
                                new TolerationBuilder().withOperator("Exists").build(),
                                new TolerationBuilder()
                                        .withKey("k")
                                        .withValue("v")
                                        .withEffect("NoSchedule")
                                        .build()))))
                .isEmpty();
        assertThat(validate(pm -> pm.getSpec()
                        .setTolerations(List.of(new TolerationBuilder()
                                .withKey("k")
                                .withOperator("In")
                                .build()))))
                .singleElement()
                .asString()
                .contains("spec.tolerations[0].operator");
        assertThat(validate(pm -> pm.getSpec()
                        .setTolerations(List.of(new TolerationBuilder()
                                .withKey("k")
                                .withEffect("Sometimes")
                                .build()))))
                .singleElement()
                .asString()
                .contains("effect");
        assertThat(validate(pm -> pm.getSpec()
                        .setTolerations(
                                List.of(new TolerationBuilder().withValue("v").build()))))
                .singleElement()
                .asString()
                .contains("empty key");
    }

    @Test
    void maxUnavailableIsAtLeastOneOrAPercentage() {
        for (IntOrString ok :
                List.of(new IntOrString(1), new IntOrString(10), new IntOrString("1%"), new IntOrString("100%"))) {
            assertThat(validate(pm -> pm.getSpec().getRollout().setMaxUnavailable(ok)))
                    .as(ok.toString())
                    .isEmpty();
        }
        for (IntOrString bad : List.of(
                new IntOrString(0),
                new IntOrString(-1),
                new IntOrString("0%"),
                new IntOrString("101%"),
                new IntOrString("5"),
                new IntOrString("half"))) {
            assertThat(validate(pm -> pm.getSpec().getRollout().setMaxUnavailable(bad)))
                    .as(bad.toString())
                    .singleElement()
                    .asString()
                    .contains("spec.rollout.maxUnavailable");
        }
    }

    @Test
    void resourceNameIsAShortDnsLabel() {
        assertThat(validate(pm -> pm.getMetadata().setName("a".repeat(50)))).isEmpty();
        assertThat(validate(pm -> pm.getMetadata().setName("a".repeat(51))))
                .singleElement()
                .asString()
                .contains("metadata.name");
        assertThat(validate(pm -> pm.getMetadata().setName("has.dot"))).hasSize(1);
        assertThat(validate(pm -> pm.getMetadata().setName("Upper"))).hasSize(1);
    }

    @Test
    void reportsEveryViolationAtOnce() {
        assertThat(validate(pm -> {
                    pm.getSpec().setEntryName("..");
                    pm.getSpec().setMessage("\"");
                    pm.getSpec().getRollout().setMaxUnavailable(new IntOrString(0));
                }))
                .hasSize(3);
    }
}
