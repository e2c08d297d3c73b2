package io.procmodule.operator.status;

/**
 * Which mode one reconcile runs in: applying the spec to the selected nodes, blocked (nothing is created
 * for the resource), or deleting (every node that may carry the module is unloaded).
 */
public sealed interface Mode {
    Mode APPLYING = new Applying();
    Mode DELETING = new Deleting();

    record Applying() implements Mode {}

    record Deleting() implements Mode {}

    /** Why nothing is done for the resource: its spec is invalid, or another resource owns the entry. */
    record Blocked(String reason, String message) implements Mode {
        public static final String INVALID_SPEC = "InvalidSpec";
        public static final String CONFLICT = "Conflict";

        public static Blocked invalidSpec(String message) {
            return new Blocked(INVALID_SPEC, message);
        }

        public static Blocked conflict(String message) {
            return new Blocked(CONFLICT, message);
        }
    }
}
