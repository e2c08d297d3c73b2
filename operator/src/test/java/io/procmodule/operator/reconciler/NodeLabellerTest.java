package io.procmodule.operator.reconciler;

import static io.procmodule.operator.testing.TestNodes.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class NodeLabellerTest {
    KubernetesClient client;
    KubernetesMockServer server;

    /** Runs nothing until told: every request is made before any node's patch is sent. */
    private final List<Runnable> held = new ArrayList<>();

    @Test
    void labelsAskedForBeforeANodesPatchIsSentShareOnePatch() throws Exception {
        List<String> nodes = IntStream.range(0, 30).mapToObj(i -> "node-" + i).toList();
        nodes.forEach(n -> client.nodes()
                .resource(new NodeBuilder(node(n, "6.1"))
                        .editMetadata()
                        .addToLabels("team", "storage")
                        .endMetadata()
                        .build())
                .create());
        drain();
        NodeLabeller labeller = new NodeLabeller(client, held::add);

        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (String resource : List.of("a", "b", "c")) {
            nodes.forEach(n -> done.add(labeller.label(n, "procmodule.io/" + resource, "hello_proc")));
        }
        assertThat(held).as("one queued patch per node, not per label").hasSize(nodes.size());
        held.forEach(Runnable::run);

        assertThat(done).allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
        assertThat(drain()).filteredOn(r -> r.getMethod().equals("PATCH")).hasSize(nodes.size());
        for (String n : nodes) {
            Map<String, String> labels =
                    client.nodes().withName(n).get().getMetadata().getLabels();
            assertThat(labels)
                    .containsEntry("procmodule.io/a", "hello_proc")
                    .containsEntry("procmodule.io/b", "hello_proc")
                    .containsEntry("procmodule.io/c", "hello_proc")
                    .as("other labels are left alone")
                    .containsEntry("team", "storage");
        }
    }

    @Test
    void aLabelAskedForAfterItsNodesPatchWentGetsItsOwn() {
        client.nodes().resource(node("n1", "6.1")).create();
        NodeLabeller labeller = new NodeLabeller(client, Runnable::run);

        CompletableFuture<Void> first = labeller.label("n1", "procmodule.io/a", "hello_proc");
        CompletableFuture<Void> second = labeller.label("n1", "procmodule.io/b", "hello_proc");

        assertThat(List.of(first, second)).allSatisfy(f -> assertThat(f).isCompleted());
        assertThat(client.nodes().withName("n1").get().getMetadata().getLabels())
                .containsKeys("procmodule.io/a", "procmodule.io/b");
    }

    @Test
    void aLabelAskedForAgainBeforeItsAnswerSharesItsPatch() throws Exception {
        client.nodes().resource(node("n1", "6.1")).create();
        drain();
        NodeLabeller labeller = new NodeLabeller(client, held::add);

        CompletableFuture<Void> first = labeller.label("n1", "procmodule.io/a", "hello_proc");
        CompletableFuture<Void> again = labeller.label("n1", "procmodule.io/a", "hello_proc");
        assertThat(again).isSameAs(first);
        assertThat(held).hasSize(1);
        held.remove(0).run();
        assertThat(first).isCompleted().isNotCompletedExceptionally();
        assertThat(drain()).filteredOn(r -> r.getMethod().equals("PATCH")).hasSize(1);
    }

    @Test
    void aLabelTheServerPutOnANodeIsDoneUntilTheCacheHoldsThatVersion() throws Exception {
        Node before = client.nodes().resource(node("n1", "6.1")).create();
        NodeLabeller labeller = new NodeLabeller(client, Runnable::run);
        assertThat(labeller.label("n1", "procmodule.io/a", "hello_proc")).isCompleted();
        Node labelled = client.nodes().withName("n1").get();
        drain();

        // The operator's node watch lags: the cache still holds the node from before the patch.
        labeller.nodeSeen(before);
        assertThat(labeller.label("n1", "procmodule.io/a", "hello_proc")).isCompleted();
        assertThat(drain()).as("no second patch").noneMatch(r -> r.getMethod().equals("PATCH"));

        // Caught up: a reconcile that still misses the label (someone removed it) asks again.
        labeller.nodeSeen(labelled);
        assertThat(labeller.label("n1", "procmodule.io/a", "hello_proc")).isCompleted();
        assertThat(drain()).filteredOn(r -> r.getMethod().equals("PATCH")).hasSize(1);
    }

    @Test
    void aValueChangedBeforeThePatchWentAnswersWhoeverWaitedForTheOldOne() {
        client.nodes().resource(node("n1", "6.1")).create();
        NodeLabeller labeller = new NodeLabeller(client, held::add);

        CompletableFuture<Void> old = labeller.label("n1", "procmodule.io/a", "hello_proc_old");
        CompletableFuture<Void> changed = labeller.label("n1", "procmodule.io/a", "hello_proc_new");
        held.forEach(Runnable::run);

        assertThat(List.of(old, changed))
                .allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
        assertThat(client.nodes().withName("n1").get().getMetadata().getLabels())
                .containsEntry("procmodule.io/a", "hello_proc_new");
    }

    @Test
    void aGoneNodeNeedsNoLabelAndARefusalFailsOnlyItsOwnNode() {
        client.nodes().resource(node("kept", "6.1")).create();
        server.expect()
                .patch()
                .withPath("/api/v1/nodes/refused")
                .andReturn(
                        403,
                        new StatusBuilder()
                                .withCode(403)
                                .withMessage("nodes \"refused\" is forbidden")
                                .build())
                .always();
        NodeLabeller labeller = new NodeLabeller(client, held::add);

        CompletableFuture<Void> gone = labeller.label("gone", "procmodule.io/a", "hello_proc");
        CompletableFuture<Void> refused = labeller.label("refused", "procmodule.io/a", "hello_proc");
        CompletableFuture<Void> kept = labeller.label("kept", "procmodule.io/a", "hello_proc");
        held.forEach(Runnable::run);

        assertThat(gone).isCompleted().isNotCompletedExceptionally();
        assertThat(kept).isCompleted().isNotCompletedExceptionally();
        assertThat(refused)
                .isCompletedExceptionally()
                .failsWithin(0, TimeUnit.SECONDS)
                .withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> assertThat(e.getCode()).isEqualTo(403));
        Node node = client.nodes().withName("kept").get();
        assertThat(node.getMetadata().getLabels()).containsEntry("procmodule.io/a", "hello_proc");
    }

    private List<RecordedRequest> drain() throws InterruptedException {
        List<RecordedRequest> requests = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            requests.add(r);
        }
        return requests;
    }
}
