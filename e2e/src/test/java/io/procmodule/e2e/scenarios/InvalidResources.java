package io.procmodule.e2e.scenarios;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.procmodule.operator.api.ProcModule;
import java.util.List;
import java.util.function.Consumer;

/**
 * Resources the CRD schema must reject, each with the field the rejection names, sent to a real
 * API server by the shared scenarios (kind, simulated cluster) and by {@code CrdOnApiServerTest}.
 */
public final class InvalidResources {
    private InvalidResources() {}

    public record Invalid(String description, String field, Consumer<ProcModule> mutation) {
        public ProcModule applyTo(ProcModule valid) {
            mutation.accept(valid);
            return valid;
        }

        @Override
        public String toString() {
            return description;
        }
    }

    public static List<Invalid> all() {
        return List.of(
                new Invalid(
                        "entryName with a slash",
                        "spec.entryName",
                        pm -> pm.getSpec().setEntryName("a/b")),
                new Invalid(
                        "entryName all digits",
                        "spec.entryName",
                        pm -> pm.getSpec().setEntryName("123")),
                new Invalid(
                        "entryName masked by the kubelet in unprivileged containers",
                        "spec.entryName",
                        pm -> pm.getSpec().setEntryName("timer_stats")),
                new Invalid(
                        "entryName longer than 44",
                        "spec.entryName",
                        pm -> pm.getSpec().setEntryName("e".repeat(45))),
                new Invalid("empty message", "spec.message", pm -> pm.getSpec().setMessage("")),
                new Invalid(
                        "message with a double quote",
                        "spec.message",
                        pm -> pm.getSpec().setMessage("say \"hi\"")),
                new Invalid(
                        "message with a newline",
                        "spec.message",
                        pm -> pm.getSpec().setMessage("two\nlines")),
                new Invalid(
                        "message ending in a newline",
                        "spec.message",
                        pm -> pm.getSpec().setMessage("hi\n")),
                new Invalid(
                        "maxUnavailable 0",
                        "spec.rollout.maxUnavailable",
                        pm -> pm.getSpec().getRollout().setMaxUnavailable(new IntOrString(0))),
                new Invalid(
                        "maxUnavailable 0%",
                        "spec.rollout.maxUnavailable",
                        pm -> pm.getSpec().getRollout().setMaxUnavailable(new IntOrString("0%"))),
                new Invalid(
                        "name longer than 50",
                        "metadata.name",
                        pm -> pm.getMetadata().setName("n".repeat(51))));
    }
}
