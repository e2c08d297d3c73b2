package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.procmodule.operator.OperatorConfig;
import io.procmodule.operator.agent.AgentConfig;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.agent.DesiredUnloadPod;
import io.procmodule.operator.api.NodeState;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.status.NodeReading;
import io.procmodule.operator.status.PodReadings;
import io.procmodule.operator.status.ResourceEvent;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a {@link NodePlan} against the API server, one log line per action. A finished unload
 * pod is deleted only after the node's label removal has reached the cache (it is then "stale"):
 * deleting it together with the label would let a reconcile on a stale node cache see a labelled
 * node without unload pod and unload it again.
 */
class NodeActions {
    private static final Logger LOG = LoggerFactory.getLogger(NodeActions.class);
    static final int LABEL_PARALLELISM = 16;
    /** How long a reconcile waits for the node labels it asked for (see labelAll). */
    static final Duration LABEL_WAIT = Duration.ofSeconds(1);

    private final KubernetesClient client;
    private final OperatorConfig config;
    private final EventRecorder events;
    private final NodeLabeller labeller;

    NodeActions(KubernetesClient client, OperatorConfig config, EventRecorder events) {
        this.client = client;
        this.config = config;
        this.events = events;
        this.labeller = new NodeLabeller(client, Executors.newFixedThreadPool(LABEL_PARALLELISM, r -> {
            Thread t = new Thread(r, "node-labelling");
            t.setDaemon(true);
            return t;
        }));
    }

    /**
     * Carries out the plan; returns whether node labels it asked for are still unanswered, in which
     * case the caller must look again (a refusal that comes later causes no event).
     */
    boolean apply(ProcModule pm, NodePlan plan, AgentConfig agent, InformerEventSource<Pod, ProcModule> pods) {
        String name = pm.getMetadata().getName();
        String label = AgentLabels.nodeLabel(name);
        List<KubernetesClientException> failures = new ArrayList<>();
        boolean labelling = labelAll(name, plan.toLabel(), label, agent.moduleName(), failures);
        for (String node : plan.createUnloadPodOn()) {
            isolated(failures, () -> {
                Pod pod = DesiredUnloadPod.render(pm, config.namespace(), agent, node);
                // Created by an earlier reconcile and not in the informer's index yet: the plan could
                // not see it, the event source's cache of recent creations does.
                if (pods.get(ResourceID.fromResource(pod)).isPresent()) {
                    return;
                }
                try {
                    Pod created = client.pods()
                            .inNamespace(config.namespace())
                            .resource(pod)
                            .create();
                    pods.handleRecentResourceCreate(ResourceID.fromResource(created), created);
                    LOG.info(
                            "{}: created unload pod {} on node {}",
                            name,
                            pod.getMetadata().getName(),
                            node);
                } catch (KubernetesClientException e) {
                    if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                        throw e;
                    }
                    LOG.info(
                            "{}: unload pod {} already exists",
                            name,
                            pod.getMetadata().getName());
                }
            });
        }
        for (Pod pod : plan.confirmed()) {
            isolated(failures, () -> {
                String node = pod.getSpec().getNodeName();
                NodeReading reading = PodReadings.unload(pod);
                editNode(node, n -> withoutLabel(n, label));
                LOG.info("{}: unload confirmed on node {} ({}), label removed", name, node, reading.reason());
                events.record(
                        pm,
                        ResourceEvent.normal(
                                        "Unloaded", "node " + node + ": " + reading.reason() + ": " + reading.message())
                                .once(pod.getMetadata().getUid()));
            });
        }
        for (NodePlan.Abandoned abandoned : plan.abandoned()) {
            isolated(failures, () -> {
                String node = abandoned.node();
                NodeReading reading = abandoned.lastPod() == null
                        ? new NodeReading(NodeState.Unloading, "NoUnloadPod", "no unload pod could be created")
                        : PodReadings.unload(abandoned.lastPod());
                editNode(node, n -> withoutLabel(n, label));
                LOG.warn(
                        "{}: gave up unloading node {} after {} ({}), label removed",
                        name,
                        node,
                        config.unloadTimeout(),
                        reading.reason());
                events.record(
                        pm,
                        ResourceEvent.warning(
                                        "UnloadAbandoned",
                                        "node " + node + ": unload not confirmed within "
                                                + config.unloadTimeout()
                                                + "; the module may still be loaded there. Last state: "
                                                + reading.reason()
                                                + ": "
                                                + reading.message())
                                .once(node + "\0" + abandoned.since()));
            });
        }
        for (Pod pod : plan.stale()) {
            isolated(failures, () -> {
                deletePod(pod);
                LOG.info(
                        "{}: deleted unload pod {} (no longer needed)",
                        name,
                        pod.getMetadata().getName());
            });
        }
        if (!failures.isEmpty()) {
            KubernetesClientException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
        return labelling;
    }

    /**
     * Runs one node's action; a refused call is kept for the end, so one node's error (a 403 or 422
     * creating its unload pod) never blocks another node's labelling, confirmation or abandonment.
     */
    private static void isolated(List<KubernetesClientException> failures, Runnable action) {
        try {
            action.run();
        } catch (KubernetesClientException e) {
            synchronized (failures) {
                failures.add(e);
            }
        }
    }

    /** The node cache now holds {@code node}: see {@link NodeLabeller#nodeSeen}. */
    void nodeSeen(Node node) {
        labeller.nodeSeen(node);
    }

    /**
     * Labels the nodes with up to {@value #LABEL_PARALLELISM} requests in flight: the DaemonSet
     * runs agents only on labelled nodes, so at thousands of nodes one round trip after another would
     * set the pace of the whole rollout. Waits at most {@link #LABEL_WAIT} for the answers: on a busy API
     * server thousands of node patches take minutes (5,000 nodes: about 4, each patch 0.5-1.4 s), and
     * a reconcile that waited for all of them wrote no status in that time, not even the first. What
     * is not answered by then stays on its way; the nodes' label events and the recheck bring the
     * resource back. One node's refusal is kept for the end like any other. Returns whether labels
     * are still unanswered.
     */
    private boolean labelAll(
            String name,
            Collection<String> nodes,
            String label,
            String value,
            List<KubernetesClientException> failures) {
        List<CompletableFuture<Void>> pending = new ArrayList<>(nodes.size());
        for (String node : nodes) {
            pending.add(labeller.label(node, label, value));
        }
        long deadline = System.nanoTime() + LABEL_WAIT.toNanos();
        int unanswered = 0;
        for (CompletableFuture<Void> f : pending) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                unanswered++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while labelling nodes", e);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof KubernetesClientException refused)) {
                    throw new IllegalStateException("labelling a node failed", e.getCause());
                }
                failures.add(refused);
            }
        }
        if (!nodes.isEmpty()) {
            LOG.info(
                    "{}: {} node(s) labelled {}={}, {} on the way",
                    name,
                    nodes.size() - failures.size() - unanswered,
                    label,
                    value,
                    unanswered);
        }
        return unanswered > 0;
    }

    /** Edits a fresh copy from the server (the cache holds pruned nodes); a vanished node needs nothing. */
    private void editNode(String node, UnaryOperator<Node> change) {
        try {
            client.nodes().withName(node).edit(change);
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
                throw e;
            }
            LOG.info("node {} is gone; nothing to label or unload", node);
        }
    }

    private void deletePod(Pod pod) {
        client.pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .delete();
    }

    private static Node withoutLabel(Node node, String key) {
        if (node.getMetadata().getLabels() != null) {
            Map<String, String> labels = new HashMap<>(node.getMetadata().getLabels());
            labels.remove(key);
            node.getMetadata().setLabels(labels);
        }
        return node;
    }
}
