package io.procmodule.operator.status;

/**
 * A Kubernetes Event to record on a ProcModule.
 *
 * @param onceKey when set, the event is recorded at most once per key (a reconcile repeated on a
 *     stale cache must not report the same unload twice); null for events that may repeat
 */
public record ResourceEvent(String type, String reason, String message, String onceKey) {
    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";

    public static ResourceEvent normal(String reason, String message) {
        return new ResourceEvent(NORMAL, reason, message, null);
    }

    public static ResourceEvent warning(String reason, String message) {
        return new ResourceEvent(WARNING, reason, message, null);
    }

    public ResourceEvent once(String key) {
        return new ResourceEvent(type, reason, message, key);
    }
}
