package io.procmodule.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.dsl.DelayPathable;
import io.fabric8.mockwebserver.dsl.ReturnOrWebsocketable;
import io.fabric8.mockwebserver.dsl.TimesOnceableOrHttpHeaderable;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.ReconcilerUtils;
import io.procmodule.operator.OperatorConfig;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.api.Phase;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;
import io.procmodule.operator.testing.DaemonSetController;
import io.procmodule.operator.testing.FakeKubelet;
import io.procmodule.operator.testing.PodStatuses;
import io.procmodule.operator.testing.RunningOperator;
import io.procmodule.operator.testing.TestNodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every write the operator makes, refused twice with each kind of API fault, then allowed: the
 * resource still becomes Ready and is deleted with every node unloaded, the status is not rewritten
 * in a loop, and nothing (DaemonSet, unload pod, event) is created twice. And faults that never
 * clear: they show on the resource, time out per node, and never hold up another node. The mock
 * server is the tool here because a real API server cannot fail a chosen call on demand; every
 * other behaviour is tested on the real API server (e2e apiserver package).
 */
@EnableKubernetesMockClient(crud = true)
class ApiFaultsTest {
    static final String NS = "procmodule-system";
    static final Duration WAIT = Duration.ofSeconds(90);
    /** The operator's client gives up on a request after this long (the "timeout" fault delays longer). */
    static final int REQUEST_TIMEOUT_MS = 2_000;
    /** When the scripted ProcModule watch delivers its stale event: after the operator's first status. */
    static final long STALE_EVENT_AFTER_MS = 5_000;

    /** A write of the operator, and whether it happens while applying or while deleting. */
    enum Call {
        CREATE_DAEMONSET("POST", "/apis/apps/v1/namespaces/" + NS + "/daemonsets", false),
        LABEL_NODE("PATCH", "/api/v1/nodes/node-a", false),
        WRITE_STATUS("PUT", "/apis/procmodule.io/v1alpha1/procmodules/hello/status", false),
        RECORD_EVENT("POST", "/api/v1/namespaces/" + EventRecorder.NAMESPACE + "/events", false),
        CREATE_UNLOAD_POD("POST", "/api/v1/namespaces/" + NS + "/pods", true);

        final String method;
        final String path;
        final boolean duringDeletion;

        Call(String method, String path, boolean duringDeletion) {
            this.method = method;
            this.path = path;
            this.duringDeletion = duringDeletion;
        }
    }

    enum Fault {
        FORBIDDEN(403),
        NOT_FOUND(404),
        CONFLICT(409),
        INVALID(422),
        TOO_MANY_REQUESTS(429),
        SERVER_ERROR(500),
        TIMEOUT(504);

        final int code;

        Fault(int code) {
            this.code = code;
        }
    }

    /**
     * Every fault and every call at least once; {@code -Dprocmodule.faults=all} runs the whole matrix
     * (34 cases, ~6 min here; the default set ~1.5 min). Left out: a 404 on a node's patch right
     * after its GET succeeded, which only a deletion in between causes; the operator then waits for
     * the informer's delete event, which an injected 404 never sends.
     */
    static Stream<Arguments> faults() {
        Stream<Arguments> all = Stream.of(Call.values())
                .flatMap(call -> Stream.of(Fault.values()).map(fault -> Arguments.of(call, fault)))
                .filter(a -> !(a.get()[0] == Call.LABEL_NODE && a.get()[1] == Fault.NOT_FOUND));
        if ("all".equals(System.getProperty("procmodule.faults"))) {
            return all;
        }
        return Stream.of(
                Arguments.of(Call.CREATE_DAEMONSET, Fault.CONFLICT),
                Arguments.of(Call.CREATE_DAEMONSET, Fault.SERVER_ERROR),
                Arguments.of(Call.LABEL_NODE, Fault.FORBIDDEN),
                Arguments.of(Call.LABEL_NODE, Fault.TIMEOUT),
                Arguments.of(Call.WRITE_STATUS, Fault.NOT_FOUND),
                Arguments.of(Call.WRITE_STATUS, Fault.CONFLICT),
                Arguments.of(Call.RECORD_EVENT, Fault.INVALID),
                Arguments.of(Call.CREATE_UNLOAD_POD, Fault.TOO_MANY_REQUESTS),
                Arguments.of(Call.CREATE_UNLOAD_POD, Fault.FORBIDDEN));
    }

    KubernetesClient client;
    KubernetesMockServer server;
    KubernetesClient operatorClient;
    /** The resourceVersion each of the operator's status PUTs is locked to, in the order sent. */
    final List<String> statusWriteVersions = new CopyOnWriteArrayList<>();

    DaemonSetController daemonSets;
    FakeKubelet kubelet;
    RunningOperator operator;

    @BeforeEach
    void setUp() {
        RunningOperator.installCrd(client);
        daemonSets = new DaemonSetController(client);
        kubelet = new FakeKubelet(client, NS);
        client.resource(TestNodes.node("node-a", "6.1.0-56-amd64")).create();
        client.resource(TestNodes.node("node-b", "6.12.117+deb12-amd64")).create();
        operatorClient = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration())
                        .withRequestTimeout(REQUEST_TIMEOUT_MS)
                        .build())
                .withHttpClientBuilderConsumer(http ->
                        http.addOrReplaceInterceptor("status-versions", new Interceptor() {
                            @Override
                            public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                                if (request.method().equals("PUT")
                                        && request.uri().getPath().equals(Call.WRITE_STATUS.path)) {
                                    statusWriteVersions.add(client.getKubernetesSerialization()
                                            .unmarshal(request.bodyString(), ProcModule.class)
                                            .getMetadata()
                                            .getResourceVersion());
                                }
                            }
                        }))
                .build();
    }

    @AfterEach
    void tearDown() {
        if (operator != null) {
            operator.close();
        }
        operatorClient.close();
    }

    @ParameterizedTest(name = "{0} fails with {1} twice")
    @MethodSource("faults")
    void theOperatorConvergesOnceTheFaultClears(Call call, Fault fault) throws InterruptedException {
        if (!call.duringDeletion) {
            inject(call, fault);
        }
        startOperator(OperatorConfig.fromEnv(Map.of("OPERATOR_NAMESPACE", NS, "RECHECK_INTERVAL", "PT0.3S")));
        client.resource(procModule()).create();

        placeAgents();
        // One node after the other: two status changes, so two (aggregated) NodeVerified events take
        // the refused event writes while applying, as the other calls' faults are taken there too.
        kubelet.report("hello", "node-a", PodStatuses.agentVerified("Loaded"));
        awaitStatus(s -> s.getVerifiedNodes() == 1);
        kubelet.report("hello", "node-b", PodStatuses.agentVerified("Loaded"));
        awaitStatus(s -> s.getPhase() == Phase.Ready);
        // Settled: no status write in a loop (every write changes the resourceVersion).
        String settled = get().getMetadata().getResourceVersion();
        await().during(Duration.ofSeconds(2))
                .atMost(WAIT)
                .until(() -> get().getMetadata().getResourceVersion().equals(settled));
        assertThat(client.apps().daemonSets().inNamespace(NS).list().getItems())
                .singleElement()
                .extracting(DaemonSet::getMetadata)
                .satisfies(m -> assertThat(m.getName()).isEqualTo(AgentLabels.daemonSetName("hello")));

        if (call.duringDeletion) {
            inject(call, fault);
        }
        client.resources(ProcModule.class).withName("hello").delete();
        await().atMost(WAIT).until(() -> kubelet.unloadPods("hello").size() == 2);
        kubelet.reportUnload("hello", "node-a", PodStatuses.unloadSucceeded("Unloaded"));
        kubelet.reportUnload("hello", "node-b", PodStatuses.unloadSucceeded("Unloaded"));
        await().atMost(WAIT).until(() -> get() == null);

        assertThat(faultsServed(call)).as("the fault was injected and served").isGreaterThanOrEqualTo(2);
        // No event recorded twice (as two objects or as a count); one unload per node.
        List<Event> events =
                client.v1().events().inNamespace(EventRecorder.NAMESPACE).list().getItems();
        assertThat(events)
                .allSatisfy(e -> assertThat(e.getCount()).as(e.getReason()).isIn(null, 1));
        Map<String, Long> byText = events.stream()
                .collect(Collectors.groupingBy(e -> e.getReason() + ": " + e.getMessage(), Collectors.counting()));
        assertThat(byText).allSatisfy((text, n) -> assertThat(n).as(text).isEqualTo(1L));
        assertThat(byText.keySet().stream().filter(t -> t.startsWith("Unloaded")))
                .hasSize(2);
    }

    // --- faults that never clear

    @Test
    void aRefusedDaemonSetReachesTheStatusAndOneEvent() {
        server.expect()
                .post()
                .withPath(Call.CREATE_DAEMONSET.path)
                .andReturn(403, refusal(403, "daemonsets.apps is forbidden: exceeded quota"))
                .always();
        startOperator(OperatorConfig.fromEnv(Map.of("OPERATOR_NAMESPACE", NS)));
        client.resource(procModule()).create();

        awaitStatus(st -> st.condition("Degraded")
                .filter(c -> "ApiError".equals(c.getReason()))
                .isPresent());
        ProcModuleStatus s = get().getStatus();
        assertThat(s.condition("Degraded").orElseThrow().getStatus()).isEqualTo("True");
        assertThat(s.condition("Degraded").orElseThrow().getMessage()).contains("403", "exceeded quota");
        await().atMost(WAIT).until(() -> eventReasons().contains("ApiError"));
        // JOSDK retries (2 s, then 3 s): the retries write no status and record no second event.
        String resourceVersion = get().getMetadata().getResourceVersion();
        await().during(Duration.ofSeconds(6))
                .atMost(WAIT)
                .until(() -> eventReasons().stream().filter("ApiError"::equals).count() == 1);
        assertThat(get().getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
        assertThat(client.apps().daemonSets().inNamespace(NS).list().getItems()).isEmpty();
    }

    /**
     * At thousands of nodes a busy API server takes minutes to answer every node patch; a reconcile
     * that waited for all of them showed no status in that time. Here node-a's patch outlasts the
     * client's timeout: the status must show the rollout before that answer, and the refused label is
     * asked for again later.
     */
    @Test
    void aNodePatchThatHangsDoesNotHoldBackTheStatus() throws InterruptedException {
        server.expect()
                .patch()
                .delay(REQUEST_TIMEOUT_MS * 2L, TimeUnit.MILLISECONDS)
                .withPath(Call.LABEL_NODE.path)
                .andReturn(504, refusal(504, "injected timeout"))
                .once();
        startOperator(OperatorConfig.fromEnv(Map.of("OPERATOR_NAMESPACE", NS)));
        client.resource(procModule()).create();

        awaitStatus(s -> s.getDesiredNodes() == 2
                && s.condition("Degraded")
                        .filter(c -> "ApiError".equals(c.getReason()))
                        .isEmpty()
                && !client.nodes()
                        .withName("node-a")
                        .get()
                        .getMetadata()
                        .getLabels()
                        .containsKey(AgentLabels.nodeLabel("hello")));

        placeAgents();
        kubelet.report("hello", "node-a", PodStatuses.agentVerified("Loaded"));
        kubelet.report("hello", "node-b", PodStatuses.agentVerified("Loaded"));
        awaitStatus(s -> s.getPhase() == Phase.Ready);
        assertThat(faultsServed(Call.LABEL_NODE))
                .as("the hanging patch, then one that labelled")
                .isGreaterThanOrEqualTo(2);
    }

    /**
     * The finalizer patch is locked to the cached resourceVersion; after a 409 JOSDK reads the resource
     * from the server (a call the shipped ClusterRole must allow: without it, the real API server
     * refused it at 5,000 nodes x 20 resources) and patches again. Only list calls read the resource
     * here, so every GET of it is the operator's.
     */
    @Test
    void aConflictOnTheFinalizerIsResolvedByReadingTheResourceAgain() throws InterruptedException {
        String path = "/apis/procmodule.io/v1alpha1/procmodules/hello";
        server.expect()
                .patch()
                .withPath(path)
                .andReturn(409, refusal(409, "injected conflict"))
                .once();
        startOperator(OperatorConfig.fromEnv(Map.of("OPERATOR_NAMESPACE", NS)));
        client.resource(procModule()).create();

        await().atMost(WAIT)
                .until(() -> client.resources(ProcModule.class).list().getItems().stream()
                        .anyMatch(pm -> pm.getMetadata().getFinalizers().size() == 1 && pm.getStatus() != null));
        drainRequests();
        assertThat(requests)
                .filteredOn(r -> r.getPath().equals(path))
                .extracting(RecordedRequest::getMethod)
                .containsSubsequence("PATCH", "GET", "PATCH");
    }

    /**
     * A watch behind the operator's own writes: the ProcModule watch is answered by a script that,
     * once the operator has written a first status, delivers the resource as it was before that
     * write, and nothing newer. JOSDK drops the written resource from its cache on that event,
     * so a reconcile that started from the cache wrote from a stale version, met 409 and polled the
     * cache for a newer one that never came (at 5,000 x 20: 284 such 409s). Every status write must be
     * locked to the version the operator's last one returned.
     */
    @Test
    void aWatchBehindTheOperatorsOwnStatusWriteDoesNotHoldBackTheNextOne() throws InterruptedException {
        // With JOSDK's finalizer already on it (an operator restarted): adding it would wait for the watch.
        ProcModule withFinalizer = procModule();
        withFinalizer.getMetadata().getFinalizers().add(ReconcilerUtils.getDefaultFinalizerName(ProcModule.class));
        ProcModule stale = client.resource(withFinalizer).create();
        String listed = client.resources(ProcModule.class).list().getMetadata().getResourceVersion();
        // Older than the listed version: the listed one itself would count as a resync.
        stale.getMetadata().setResourceVersion(String.valueOf(Long.parseLong(listed) - 1));
        String watch = "/apis/procmodule.io/v1alpha1/procmodules?allowWatchBookmarks=true&resourceVersion=" + listed
                + "&timeoutSeconds=600&watch=true";
        server.expect()
                .get()
                .withPath(watch)
                .andUpgradeToWebSocket()
                .open()
                .waitFor(STALE_EVENT_AFTER_MS)
                .andEmit(new WatchEvent(stale, "MODIFIED"))
                // Held open: nothing newer comes, as from a watch minutes behind.
                .waitFor(WAIT.toMillis())
                .andEmit(new WatchEvent(stale, "MODIFIED"))
                .done()
                .always();
        startOperator(OperatorConfig.fromEnv(Map.of("OPERATOR_NAMESPACE", NS)));
        await("the first status is written before the stale event comes")
                .atMost(Duration.ofMillis(STALE_EVENT_AFTER_MS / 2))
                .until(() -> get().getStatus() != null);
        Thread.sleep(STALE_EVENT_AFTER_MS);

        placeAgents();
        kubelet.report("hello", "node-a", PodStatuses.agentVerified("Loaded"));
        kubelet.report("hello", "node-b", PodStatuses.agentVerified("Loaded"));

        awaitStatus(s -> s.getPhase() == Phase.Ready);
        drainRequests();
        assertThat(requests)
                .as("the operator's ProcModule watch was the scripted one")
                .anyMatch(r -> r.getPath().equals(watch));
        // The mock server takes any resourceVersion on /status; a real one refuses an older one (409).
        assertThat(statusWriteVersions.stream().map(Long::parseLong).toList())
                .as("each status write locked to the version the last one returned")
                .hasSizeGreaterThan(1)
                .isSorted()
                .doesNotHaveDuplicates();
    }

    @Test
    void unloadPodsThatCannotBeCreatedAreAbandonedAfterTheTimeout() {
        startOperator(OperatorConfig.fromEnv(Map.of("OPERATOR_NAMESPACE", NS, "UNLOAD_TIMEOUT", "PT2S")));
        client.resource(procModule()).create();
        awaitLabels();
        server.expect()
                .post()
                .withPath(Call.CREATE_UNLOAD_POD.path)
                .andReturn(422, refusal(422, "Pod is invalid: spec.tolerations[0].effect"))
                .always();
        client.resources(ProcModule.class).withName("hello").delete();

        await().atMost(WAIT).until(() -> get() == null);
        assertThat(client.v1()
                        .events()
                        .inNamespace(EventRecorder.NAMESPACE)
                        .list()
                        .getItems())
                .filteredOn(e -> "UnloadAbandoned".equals(e.getReason()))
                .extracting(Event::getMessage)
                .hasSize(2)
                .allSatisfy(m -> assertThat(m).contains("no unload pod could be created"));
        assertThat(client.nodes().withName("node-a").get().getMetadata().getLabels())
                .doesNotContainKey(AgentLabels.nodeLabel("hello"));
    }

    @Test
    void oneNodesRefusedCallDoesNotBlockAnothersConfirmation() {
        startOperator(OperatorConfig.fromEnv(Map.of("OPERATOR_NAMESPACE", NS)));
        client.resource(procModule()).create();
        awaitLabels();
        client.resources(ProcModule.class).withName("hello").delete();
        await().atMost(WAIT).until(() -> kubelet.unloadPods("hello").size() == 2);
        server.expect()
                .patch()
                .withPath(Call.LABEL_NODE.path)
                .andReturn(403, refusal(403, "nodes \"node-a\" is forbidden"))
                .always();
        kubelet.reportUnload("hello", "node-a", PodStatuses.unloadSucceeded("Unloaded"));
        kubelet.reportUnload("hello", "node-b", PodStatuses.unloadSucceeded("Unloaded"));

        await().atMost(WAIT)
                .until(() -> !client.nodes()
                        .withName("node-b")
                        .get()
                        .getMetadata()
                        .getLabels()
                        .containsKey(AgentLabels.nodeLabel("hello")));
        assertThat(client.nodes().withName("node-a").get().getMetadata().getLabels())
                .containsKey(AgentLabels.nodeLabel("hello"));
        assertThat(get()).as("node-a is not confirmed: the finalizer stays").isNotNull();
    }

    // --- the fault

    private final List<RecordedRequest> requests = new ArrayList<>();

    private void inject(Call call, Fault fault) {
        DelayPathable<ReturnOrWebsocketable<TimesOnceableOrHttpHeaderable<Void>>> method = switch (call.method) {
            case "POST" -> server.expect().post();
            case "PUT" -> server.expect().put();
            case "PATCH" -> server.expect().patch();
            default -> throw new IllegalArgumentException(call.method);
        };
        if (fault == Fault.TIMEOUT) {
            method.delay(REQUEST_TIMEOUT_MS * 2L, TimeUnit.MILLISECONDS);
        }
        TimesOnceableOrHttpHeaderable<Void> reply = method.withPath(call.path)
                .andReturn(fault.code, refusal(fault.code, "injected " + fault + " on " + call));
        if (fault == Fault.TOO_MANY_REQUESTS) {
            reply = reply.withHeader("Retry-After", "1");
        }
        reply.times(2);
    }

    private static Status refusal(int code, String message) {
        return new StatusBuilder().withCode(code).withMessage(message).build();
    }

    private long faultsServed(Call call) throws InterruptedException {
        drainRequests();
        return requests.stream()
                .filter(r -> r.getMethod().equals(call.method)
                        && r.getPath().replaceFirst("\\?.*", "").equals(call.path))
                .count();
    }

    private void drainRequests() throws InterruptedException {
        RecordedRequest r;
        while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            requests.add(r);
        }
    }

    // --- the flow

    private void startOperator(OperatorConfig config) {
        operator = RunningOperator.start(operatorClient, config);
    }

    /** The operator labels every selected node before any agent may run there. */
    private void awaitLabels() {
        await().atMost(WAIT)
                .until(() -> client.nodes().list().getItems().stream()
                        .allMatch(n -> n.getMetadata().getLabels().containsKey(AgentLabels.nodeLabel("hello"))));
    }

    private List<String> eventReasons() {
        return client.v1().events().inNamespace(EventRecorder.NAMESPACE).list().getItems().stream()
                .filter(e -> "hello".equals(e.getInvolvedObject().getName()))
                .map(Event::getReason)
                .toList();
    }

    private void placeAgents() {
        await().atMost(WAIT)
                .until(() -> client.apps()
                                .daemonSets()
                                .inNamespace(NS)
                                .withName(AgentLabels.daemonSetName("hello"))
                                .get()
                        != null);
        await().atMost(WAIT)
                .until(() -> client.nodes().list().getItems().stream()
                        .allMatch(n -> n.getMetadata().getLabels().containsKey(AgentLabels.nodeLabel("hello"))));
        daemonSets.sync();
    }

    private static ProcModule procModule() {
        ProcModule pm = new ProcModule();
        pm.setMetadata(new ObjectMetaBuilder().withName("hello").build());
        return pm;
    }

    private ProcModule get() {
        return client.resources(ProcModule.class).withName("hello").get();
    }

    private void awaitStatus(java.util.function.Predicate<ProcModuleStatus> condition) {
        await().atMost(WAIT).until(() -> {
            ProcModule pm = get();
            return pm != null && pm.getStatus() != null && condition.test(pm.getStatus());
        });
    }
}
