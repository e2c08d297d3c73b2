package io.procmodule.operator.status;

/** Why the operator does nothing for a resource: its spec is invalid, or another resource owns the entry. */
public record Blocker(String reason, String message) {
    public static final String INVALID_SPEC = "InvalidSpec";
    public static final String CONFLICT = "Conflict";

    public static Blocker invalidSpec(String message) {
        return new Blocker(INVALID_SPEC, message);
    }

    public static Blocker conflict(String message) {
        return new Blocker(CONFLICT, message);
    }
}
