package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.util.HashMap;
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
 * and a lone request is sent at once. Reconciles do not wait for every label of a large rollout (see
 * {@link NodeActions}) and ask again for what their node cache does not show yet; so a label asked
 * for again before its patch is answered gets the same answer, and one the API server has put on
 * the node is done until the cache has caught up with that version of the node (told through
 * {@link #nodeSeen}). Without the latter, a 5,000-node rollout sent 6,404 node patches, not 4,750,
 * while the operator's node watch lagged behind its own patches. A patch of the labels alone (no
 * read first) leaves concurrent edits of other labels or fields untouched, whatever the cache holds.
 */
final class NodeLabeller {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLabeller.class);

    private final KubernetesClient client;
    private final Executor executor;
    /** Labels per node not yet sent; guarded by this. */
    private final Map<String, Map<String, String>> unsent = new HashMap<>();
    /** Every label asked for and not answered yet, sent or not, with its answer; guarded by this. */
    private final Map<Label, CompletableFuture<Void>> unanswered = new HashMap<>();
    /**
     * Per node, labels the API server has put on it, with the node's resourceVersion they were put
     * at, until the node cache holds that version; guarded by this.
     */
    private final Map<String, Map<Label, Long>> applied = new HashMap<>();

    private record Label(String node, String key, String value) {}

    NodeLabeller(KubernetesClient client, Executor executor) {
        this.client = client;
        this.executor = executor;
    }

    /**
     * Completes when the node carries the label or is gone; fails with the API server's refusal
     * otherwise.
     */
    CompletableFuture<Void> label(String node, String key, String value) {
        Label label = new Label(node, key, value);
        boolean first;
        CompletableFuture<Void> done;
        synchronized (this) {
            if (applied.getOrDefault(node, Map.of()).containsKey(label)) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> asked = unanswered.get(label);
            if (asked != null) {
                return asked;
            }
            done = new CompletableFuture<>();
            unanswered.put(label, done);
            first = !unsent.containsKey(node);
            String replaced = unsent.computeIfAbsent(node, n -> new TreeMap<>()).put(key, value);
            if (replaced != null) {
                // The value changed before the patch went: whoever waits for the old one gets its answer.
                CompletableFuture<Void> superseded = unanswered.remove(new Label(node, key, replaced));
                done.whenComplete((ok, refused) -> {
                    if (refused == null) {
                        superseded.complete(null);
                    } else {
                        superseded.completeExceptionally(refused);
                    }
                });
            }
        }
        if (first) {
            executor.execute(() -> send(node));
        }
        return done;
    }

    private void send(String node) {
        Map<String, String> labels;
        synchronized (this) {
            labels = unsent.remove(node);
        }
        String patch = client.getKubernetesSerialization().asJson(Map.of("metadata", Map.of("labels", labels)));
        RuntimeException refusal = null;
        try {
            // Through resource(...): patch on withName(...) would GET the node first.
            Node patched = client.nodes()
                    .resource(new NodeBuilder()
                            .withNewMetadata()
                            .withName(node)
                            .endMetadata()
                            .build())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
            long version = ResourceVersions.of(patched);
            synchronized (this) {
                Map<Label, Long> onNode = applied.computeIfAbsent(node, n -> new HashMap<>());
                labels.forEach((key, value) -> onNode.put(new Label(node, key, value), version));
            }
            LOG.info("labelled node {} {} (selected; agents may start)", node, labels);
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                LOG.info("node {} is gone; nothing to label", node);
            } else {
                refusal = e;
            }
        } catch (RuntimeException e) {
            refusal = e;
        }
        for (Map.Entry<String, String> sent : labels.entrySet()) {
            CompletableFuture<Void> done;
            synchronized (this) {
                done = unanswered.remove(new Label(node, sent.getKey(), sent.getValue()));
            }
            if (refusal == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(refusal);
            }
        }
    }

    /**
     * The node cache now holds {@code node}, stored or removed: labels applied at that version or
     * before are in it, and a reconcile that still misses one asks again. A version that is not a
     * number forgets every label applied to the node, so the worst case is the patch sent again.
     */
    void nodeSeen(Node node) {
        long seen = ResourceVersions.of(node);
        synchronized (this) {
            applied.computeIfPresent(node.getMetadata().getName(), (name, onNode) -> {
                onNode.values().removeIf(version -> seen < 0 || version <= seen);
                return onNode.isEmpty() ? null : onNode;
            });
        }
    }
}
