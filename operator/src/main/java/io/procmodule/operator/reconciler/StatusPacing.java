package io.procmodule.operator.reconciler;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most one status write per resource every {@link #MIN_INTERVAL}. During a rollout every agent
 * pod transition triggers a reconcile, and each could write a status of up to tens of KiB: at
 * thousands of nodes that is a write storm on the API server. A reconcile whose changed status comes
 * too soon after the last write skips it and reschedules itself for when the write may go, so the
 * last change is still written at most {@link #MIN_INTERVAL} late.
 */
final class StatusPacing {
    static final Duration MIN_INTERVAL = Duration.ofMillis(500);
    private final Map<String, Instant> lastWrite = new ConcurrentHashMap<>();

    /** Pure: how long a write must still wait after the last one; zero when it may go now. */
    static Duration wait(Instant last, Instant now, Duration interval) {
        if (last == null) {
            return Duration.ZERO;
        }
        Duration elapsed = Duration.between(last, now);
        return elapsed.isNegative() || elapsed.compareTo(interval) >= 0 ? Duration.ZERO : interval.minus(elapsed);
    }

    Duration waitFor(String resource, Instant now) {
        return wait(lastWrite.get(resource), now, MIN_INTERVAL);
    }

    void wrote(String resource, Instant at) {
        lastWrite.put(resource, at);
    }

    void forget(String resource) {
        lastWrite.remove(resource);
    }
}
