package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * An informer store that keeps a pruned copy of each object: only the fields decisions read. Unlike
 * fabric8's ReducedStateItemStore, which rebuilds an object from stored values on every read, the
 * pruned objects are built once per watch event and read as they are, so a reconcile listing
 * thousands of them allocates nothing per object, and made compact ({@link Compact}). An update's
 * "old" object is the pruned one, so update filters must compare only kept fields.
 *
 * <p>Full state in fabric8's sense (the default {@code isFullState}): the first list's additions are
 * announced when the list is complete, as the objects this store holds. Announced as they arrive,
 * they would carry the full objects, and JOSDK keeps its handlers waiting until the informer has
 * synced: every full object of the first list then waited in memory (20,000 nodes, ~17 KB each,
 * filled a 384 MiB heap).
 *
 * <p>Each stored or removed object is also handed to a listener, on the informer's thread,
 * after the store and its {@link Groups} hold the change: what changed is then known without
 * comparing every object on the next read ({@link NodeViews}).
 */
final class PrunedItemStore<T extends HasMetadata> extends BasicItemStore<T> {
    private final UnaryOperator<T> prune;
    private final Consumer<T> changed;
    private final List<Groups<T>> groups;

    PrunedItemStore(UnaryOperator<T> prune, Consumer<T> changed, List<Groups<T>> groups) {
        super(Cache::metaNamespaceKeyFunc);
        this.prune = prune;
        this.changed = changed;
        this.groups = groups;
    }

    @Override
    public T put(String key, T obj) {
        T pruned = Compact.of(prune.apply(obj));
        T old = super.put(key, pruned);
        groups.forEach(g -> g.stored(key, old, pruned));
        changed.accept(pruned);
        return old;
    }

    @Override
    public T remove(String key) {
        T old = super.remove(key);
        if (old != null) {
            groups.forEach(g -> g.removed(key, old));
            changed.accept(old);
        }
        return old;
    }
}
