package io.procmodule.operator.reconciler;

import io.procmodule.operator.api.ProcModule;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The ProcModule each status write returned, kept until the primary cache holds that version or a
 * newer one, so that a reconcile starts from the operator's own last write even while the watch lags.
 *
 * <p>JOSDK 5.2.3 keeps a written primary in its temporary cache only until any watch event for it
 * arrives, an older one delivered late included: its controller event source never compares
 * resourceVersions, whatever the configuration service says (ControllerEventSource passes false).
 * At 5,000 x 20 the ProcModule watch lagged by minutes, the next reconcile started from a version
 * older than the last write, and its status PUT met 409 (284 times in 28 minutes); JOSDK's utility
 * then polled the cache for a newer version for 10 s, timed out and failed the reconcile, over and
 * over until the watch caught up.
 */
final class StatusWrites {
    private final Map<String, ProcModule> written = new ConcurrentHashMap<>();
    private final UnaryOperator<ProcModule> copy;

    /** {@code copy} gives a deep copy: a reconcile changes the resource it is handed. */
    StatusWrites(UnaryOperator<ProcModule> copy) {
        this.copy = copy;
    }

    /** What a status write returned. */
    void wrote(ProcModule updated) {
        written.put(updated.getMetadata().getName(), copy.apply(updated));
    }

    /**
     * {@code cached}, or a copy of the last write of the same resource when that is newer. Once the
     * cache holds the write's version or a later one (or another resource of that name, or a version
     * that is not a number), the write is forgotten.
     */
    ProcModule latest(ProcModule cached) {
        String name = cached.getMetadata().getName();
        ProcModule own = written.get(name);
        if (own == null) {
            return cached;
        }
        long ownVersion = ResourceVersions.of(own);
        long cachedVersion = ResourceVersions.of(cached);
        boolean sameResource =
                Objects.equals(own.getMetadata().getUid(), cached.getMetadata().getUid());
        if (sameResource && ownVersion >= 0 && cachedVersion >= 0 && cachedVersion < ownVersion) {
            return copy.apply(own);
        }
        written.remove(name, own);
        return cached;
    }

    void forget(String name) {
        written.remove(name);
    }
}
