package io.procmodule.operator.reconciler;

import io.procmodule.operator.api.ProcModule;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The ProcModule each status write returned, so that a reconcile starts from the operator's own last
 * write whenever the primary cache holds an older version, until the resource is deleted.
 *
 * <p>JOSDK 5.2.3 keeps a written primary in its temporary cache only until any watch event for it
 * arrives, an older one delivered late included: its controller event source never compares
 * resourceVersions, whatever the configuration service says (ControllerEventSource passes false).
 * At 5,000 x 20 the ProcModule watch lagged by minutes, the next reconcile started from a version
 * older than the last write, and its status PUT met 409 (284 times in 28 minutes); JOSDK's utility
 * then polled the cache for a newer version for 10 s, timed out and failed the reconcile, over and
 * over until the watch caught up. The cache can also go back after it has shown the write (JOSDK's
 * copy dropped on an older event), so the write is kept even then: a first version of this class
 * forgot it once the cache had shown it, and met 26 such 409s at 1,000 x 20.
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
     * {@code cached}, or a copy of the last write of the same resource when that is newer. The write
     * of an earlier resource of the same name is forgotten; versions that are not numbers are not
     * compared.
     */
    ProcModule latest(ProcModule cached) {
        String name = cached.getMetadata().getName();
        ProcModule own = written.get(name);
        if (own == null) {
            return cached;
        }
        if (!Objects.equals(own.getMetadata().getUid(), cached.getMetadata().getUid())) {
            written.remove(name, own);
            return cached;
        }
        long ownVersion = ResourceVersions.of(own);
        long cachedVersion = ResourceVersions.of(cached);
        return ownVersion >= 0 && cachedVersion >= 0 && cachedVersion < ownVersion ? copy.apply(own) : cached;
    }

    void forget(String name) {
        written.remove(name);
    }
}
