package io.procmodule.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.api.NodeState;
import io.procmodule.operator.status.PodReadings;
import io.procmodule.operator.testing.PodStatuses;
import io.procmodule.operator.testing.TestNodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class PrunedCachesTest {
    KubernetesClient client;

    /** {@code node} with what pruning drops: a large annotation, an image list, a heartbeat time. */
    private static NodeBuilder fullNode(Node node) {
        return new NodeBuilder(node)
                .editMetadata()
                .addToAnnotations("big", "x".repeat(1000))
                .endMetadata()
                .editStatus()
                .addNewImage()
                .withNames("registry/image:1")
                .withSizeBytes(1L)
                .endImage()
                .editFirstCondition()
                .withLastHeartbeatTime("2026-11-28T12:00:00Z")
                .endCondition()
                .endStatus();
    }

    /**
     * JOSDK holds its handlers until the informer has synced; what the first list announces waits for
     * them meanwhile, and must be the pruned objects, not every full object of a 20,000-node list.
     */
    @Test
    void theFirstListIsAnnouncedAsThePrunedObjects() {
        for (int i = 0; i < 5; i++) {
            client.nodes()
                    .resource(
                            fullNode(TestNodes.node("n" + i, "6.1.0-28-amd64")).build())
                    .create();
        }
        ItemStore<Node> store = NodeCache.store(n -> {});
        List<Node> announced = new CopyOnWriteArrayList<>();
        SharedIndexInformer<Node> informer =
                client.nodes().withLimit(2L).runnableInformer(0).itemStore(store);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                announced.add(node);
            }

            @Override
            public void onUpdate(Node old, Node node) {}

            @Override
            public void onDelete(Node node, boolean deletedFinalStateUnknown) {}
        });
        try {
            informer.run();
            await().atMost(Duration.ofSeconds(10)).until(() -> announced.size() == 5);
            // Not compared by identity: the watch that follows may store a newer copy meanwhile.
            assertThat(announced)
                    .allSatisfy(n -> assertThat(n.getStatus().getImages()).isEmpty())
                    .as("pruned, and JOSDK reads an announced object's annotations without a null check")
                    .allSatisfy(
                            n -> assertThat(n.getMetadata().getAnnotations()).isEmpty());
        } finally {
            informer.close();
        }
    }

    @Test
    void aPrunedNodeKeepsWhatDecisionsReadAndDropsTheRest() {
        Node full = fullNode(TestNodes.node(
                        "n1", "6.1.0-28-amd64", Map.of("pool", "a"), List.of(TestNodes.taint("k", "v", "NoSchedule"))))
                .editMetadata()
                .withResourceVersion("7")
                .endMetadata()
                .build();
        List<Node> told = new ArrayList<>();
        ItemStore<Node> store = NodeCache.store(told::add);
        store.put(store.getKey(full), full);
        Node kept = store.get("n1");

        assertThat(kept.getMetadata().getLabels()).isEqualTo(full.getMetadata().getLabels());
        assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("7");
        assertThat(kept.getSpec().getTaints()).isEqualTo(full.getSpec().getTaints());
        assertThat(NodeCache.kernel(kept)).isEqualTo("6.1.0-28-amd64");
        assertThat(NodeCache.bootId(kept)).isEqualTo(NodeCache.bootId(full));
        assertThat(NodeCache.ready(kept)).isEqualTo("True");
        assertThat(kept.getMetadata().getAnnotations()).isEmpty();
        assertThat(kept.getStatus().getImages()).isEmpty();
        assertThat(kept.getStatus().getConditions().get(0).getLastHeartbeatTime())
                .isNull();
        // Read as stored: no copy per read.
        assertThat(store.get("n1")).isSameAs(kept);

        assertThat(told).as("the listener sees what the store holds").containsExactly(kept);
        store.remove("n1");
        assertThat(told).as("and what it let go").containsExactly(kept, kept);
        store.remove("n1");
        assertThat(told).as("a removal of nothing is no change").hasSize(2);
    }

    @Test
    void aPrunedPodReadsTheSameAsTheFullOne() {
        Pod full = new PodBuilder()
                .withNewMetadata()
                .withName("procmodule-hello-abcde")
                .withNamespace("procmodule-system")
                .withLabels(Map.of(AgentLabels.INSTANCE, "hello"))
                .withAnnotations(Map.of(AgentLabels.CONFIG_HASH, "h1", "other", "x"))
                .endMetadata()
                .withNewSpec()
                .withNodeName("n1")
                .addNewContainer()
                .withName("monitor")
                .withImage("agent")
                .endContainer()
                .endSpec()
                .withStatus(PodStatuses.agentBuildFailed("HeadersMissing", "no headers for 6.1"))
                .build();
        Pod kept = PodCache.prune(full);

        assertThat(kept.getSpec().getContainers()).isEmpty();
        assertThat(kept.getSpec().getNodeName()).isEqualTo("n1");
        assertThat(kept.getMetadata().getAnnotations()).containsOnlyKeys(AgentLabels.CONFIG_HASH);
        assertThat(PodReadings.agent(kept, "h1")).isEqualTo(PodReadings.agent(full, "h1"));
        assertThat(PodReadings.agent(kept, "h1").state()).isEqualTo(NodeState.Failed);
        Pod verified = new PodBuilder(full)
                .withStatus(PodStatuses.agentVerified("Loaded"))
                .build();
        assertThat(PodReadings.agent(PodCache.prune(verified), "h1")).isEqualTo(PodReadings.agent(verified, "h1"));
    }

    @Test
    void storedPodsShareTheirRepeatedPartsAndReadTheSame() {
        ItemStore<Pod> store = new PodCache(pod -> {}).store();
        for (String node : List.of("n1", "n2")) {
            Pod full = new PodBuilder()
                    .withNewMetadata()
                    .withName("procmodule-hello-" + node)
                    // As from the wire: every event brings its own copy of every string.
                    .withNamespace(new String("procmodule-system".toCharArray()))
                    .withLabels(Map.of(AgentLabels.INSTANCE, new String("hello".toCharArray())))
                    .withAnnotations(Map.of(AgentLabels.CONFIG_HASH, "h1"))
                    .endMetadata()
                    .withNewSpec()
                    .withNodeName(node)
                    .endSpec()
                    .withStatus(PodStatuses.agentBuildFailed("HeadersMissing", "no headers for 6.1"))
                    .build();
            full.getStatus()
                    .getInitContainerStatuses()
                    .get(0)
                    .getLastState()
                    .getTerminated()
                    .setContainerID(node);
            store.put(store.getKey(full), full);
            assertThat(PodReadings.agent(store.get(store.getKey(full)), "h1")).isEqualTo(PodReadings.agent(full, "h1"));
        }
        Pod a = store.get("procmodule-system/procmodule-hello-n1");
        Pod b = store.get("procmodule-system/procmodule-hello-n2");
        assertThat(a.getMetadata().getNamespace()).isSameAs(b.getMetadata().getNamespace());
        assertThat(a.getMetadata().getLabels().get(AgentLabels.INSTANCE))
                .isSameAs(b.getMetadata().getLabels().get(AgentLabels.INSTANCE));
        assertThat(a.getMetadata().getFinalizers()).as("no list of its own").isSameAs(List.of());
        assertThat(a.getAdditionalProperties()).isSameAs(Map.of());
        assertThat(a.getStatus()
                        .getInitContainerStatuses()
                        .get(0)
                        .getLastState()
                        .getTerminated())
                .as("how the build ended, without ids or times")
                .satisfies(t -> assertThat(t.getContainerID()).isNull())
                .satisfies(t -> assertThat(t.getExitCode()).isEqualTo(1));
    }
}
