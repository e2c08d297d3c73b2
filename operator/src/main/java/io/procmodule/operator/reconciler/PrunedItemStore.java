package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.function.UnaryOperator;

/**
 * An informer store that keeps a pruned copy of each object: only the fields decisions read. Unlike
 * fabric8's ReducedStateItemStore, which rebuilds an object from stored values on every read, the
 * pruned objects are built once per watch event and read as they are, so a reconcile listing
 * thousands of them allocates nothing per object. Not full state: an update's "old" object is the
 * pruned one, so update filters must compare only kept fields.
 */
final class PrunedItemStore<T extends HasMetadata> extends BasicItemStore<T> {
    private final UnaryOperator<T> prune;

    PrunedItemStore(UnaryOperator<T> prune) {
        super(Cache::metaNamespaceKeyFunc);
        this.prune = prune;
    }

    @Override
    public T put(String key, T obj) {
        return super.put(key, prune.apply(obj));
    }

    @Override
    public boolean isFullState() {
        return false;
    }
}
