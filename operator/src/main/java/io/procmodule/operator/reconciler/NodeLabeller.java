package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts ProcModule labels on nodes, one merge patch per node for every label waiting for it. Each
 * node patch reaches every node watcher in the cluster (kubelets, controllers, this operator): with
 * one patch per label, 20 ProcModules rolling out over the same 1,000 nodes sent 20,000 of them and
 * saturated the API server. Requests queue per node; the node's patch, when a thread takes it up,
 * carries whatever labels were asked for by then, so resources rolling out together share patches
 * and a lone request is sent at once. A patch of the labels alone (no read first) leaves concurrent
 * edits of other labels or fields untouched, whatever the cache holds.
 */
final class NodeLabeller {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLabeller.class);

    private final KubernetesClient client;
    private final Executor executor;
    /** Labels asked for per node and not yet sent, with who waits for them; guarded by this. */
    private final Map<String, Batch> waiting = new HashMap<>();

    private static final class Batch {
        final Map<String, String> labels = new TreeMap<>();
        final List<CompletableFuture<Void>> done = new ArrayList<>();
    }

    NodeLabeller(KubernetesClient client, Executor executor) {
        this.client = client;
        this.executor = executor;
    }

    /**
     * Completes when the node carries the label or is gone; fails with the API server's refusal
     * otherwise.
     */
    CompletableFuture<Void> label(String node, String key, String value) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean first;
        synchronized (this) {
            first = !waiting.containsKey(node);
            Batch batch = waiting.computeIfAbsent(node, n -> new Batch());
            batch.labels.put(key, value);
            batch.done.add(done);
        }
        if (first) {
            executor.execute(() -> send(node));
        }
        return done;
    }

    private void send(String node) {
        Batch batch;
        synchronized (this) {
            batch = waiting.remove(node);
        }
        String patch = client.getKubernetesSerialization().asJson(Map.of("metadata", Map.of("labels", batch.labels)));
        try {
            // Through resource(...): patch on withName(...) would GET the node first.
            client.nodes()
                    .resource(new NodeBuilder()
                            .withNewMetadata()
                            .withName(node)
                            .endMetadata()
                            .build())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
            LOG.info("labelled node {} {} (selected; agents may start)", node, batch.labels);
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
                batch.done.forEach(f -> f.completeExceptionally(e));
                return;
            }
            LOG.info("node {} is gone; nothing to label", node);
        } catch (RuntimeException e) {
            batch.done.forEach(f -> f.completeExceptionally(e));
            return;
        }
        batch.done.forEach(f -> f.complete(null));
    }
}
