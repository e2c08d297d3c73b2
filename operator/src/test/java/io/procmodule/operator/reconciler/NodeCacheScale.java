package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;

/** Opens the package-private node informer store to the scale benchmark (bench.ScaleBenchmark). Not a test. */
public final class NodeCacheScale {
    private NodeCacheScale() {}

    /** The store the operator's node informer uses. */
    public static ItemStore<Node> store() {
        return NodeCache.store();
    }
}
