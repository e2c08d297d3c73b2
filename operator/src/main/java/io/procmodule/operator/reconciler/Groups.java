package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Stored objects grouped by a key computed from each (an object is in one group or none), kept in
 * step with a {@link PrunedItemStore}: changed inside the store's put and remove, before the store's
 * listener hears of the change, the new object added before the old one leaves. Why not fabric8's
 * informer indexes: they are updated after the store and its listener, by removing an object's key
 * and adding it back, so a reconcile reading one right after the listener named a change could miss
 * the object altogether, and keep that reading until the next change (seen at 1,000 nodes x 20
 * resources: a verified node shown unverified for four minutes after the pod informer relisted).
 * Written by the informer's one thread, read from any.
 */
final class Groups<T extends HasMetadata> {
    private final Function<T, String> groupOf;
    private final Map<String, Map<String, T>> groups = new ConcurrentHashMap<>();

    /** @param groupOf an object's group, or null for none */
    Groups(Function<T, String> groupOf) {
        this.groupOf = groupOf;
    }

    void stored(String key, T old, T now) {
        String to = groupOf.apply(now);
        if (to != null) {
            groups.computeIfAbsent(to, g -> new ConcurrentHashMap<>()).put(key, now);
        }
        String from = old == null ? null : groupOf.apply(old);
        if (from != null && !from.equals(to)) {
            leave(from, key);
        }
    }

    void removed(String key, T old) {
        String from = groupOf.apply(old);
        if (from != null) {
            leave(from, key);
        }
    }

    private void leave(String group, String key) {
        groups.computeIfPresent(group, (g, members) -> {
            members.remove(key);
            return members.isEmpty() ? null : members;
        });
    }

    /** The group's objects now. */
    List<T> get(String group) {
        Map<String, T> members = groups.get(group);
        return members == null ? List.of() : List.copyOf(members.values());
    }
}
