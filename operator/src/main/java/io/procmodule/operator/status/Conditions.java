package io.procmodule.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.procmodule.operator.api.ProcModuleStatus;

/** Builds standard conditions; lastTransitionTime moves only when the condition's status flips. */
final class Conditions {
    private Conditions() {}

    static Condition of(
            ProcModuleStatus previous,
            String type,
            boolean value,
            String reason,
            String message,
            long generation,
            String now) {
        String status = value ? "True" : "False";
        String since = previous == null
                ? now
                : previous.condition(type)
                        .filter(c -> status.equals(c.getStatus()) && c.getLastTransitionTime() != null)
                        .map(Condition::getLastTransitionTime)
                        .orElse(now);
        Condition c = new Condition();
        c.setType(type);
        c.setStatus(status);
        c.setReason(reason);
        c.setMessage(message);
        c.setObservedGeneration(generation);
        c.setLastTransitionTime(since);
        return c;
    }
}
