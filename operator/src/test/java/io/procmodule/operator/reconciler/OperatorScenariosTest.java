package io.procmodule.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.procmodule.operator.OperatorConfig;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.agent.DesiredDaemonSet;
import io.procmodule.operator.api.NodeState;
import io.procmodule.operator.api.NodeStatus;
import io.procmodule.operator.api.Phase;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;
import io.procmodule.operator.status.PrinterColumns;
import io.procmodule.operator.testing.DaemonSetController;
import io.procmodule.operator.testing.FakeKubelet;
import io.procmodule.operator.testing.GarbageCollector;
import io.procmodule.operator.testing.PodStatuses;
import io.procmodule.operator.testing.RunningOperator;
import io.procmodule.operator.testing.TestNodes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real operator, in-process, against the fabric8 mock API server in CRUD mode. The test plays the
 * DaemonSet controller and the kubelet ({@link DaemonSetController}, {@link GarbageCollector}, {@link FakeKubelet}).
 */
@EnableKubernetesMockClient(crud = true)
class OperatorScenariosTest {
    static final String NS = "procmodule-system";
    // Generous: the build machine is shared; a passing test never waits this long.
    static final Duration WAIT = Duration.ofSeconds(60);

    KubernetesClient client;
    KubernetesMockServer server;
    DaemonSetController daemonSets;
    GarbageCollector garbageCollector;
    FakeKubelet kubelet;
    OperatorConfig config = OperatorConfig.defaults().withNamespace(NS).withRecheckInterval(Duration.ofMillis(300));
    RunningOperator operator;

    @BeforeEach
    void setUp() {
        RunningOperator.installCrd(client);
        daemonSets = new DaemonSetController(client);
        garbageCollector = new GarbageCollector(client);
        kubelet = new FakeKubelet(client, NS);
        client.resource(TestNodes.node("node-a", "6.1.0-56-amd64")).create();
        client.resource(TestNodes.node("node-b", "6.12.117+deb12-amd64")).create();
    }

    @AfterEach
    void stopOperator() {
        if (operator != null) {
            operator.close();
        }
    }

    void startOperator() {
        operator = RunningOperator.start(client, config);
    }

    @Test
    void createRendersDaemonSetOwnedByTheResource() {
        startOperator();
        ProcModule pm = create(procModule("hello"));

        DaemonSet ds = awaitDaemonSet("hello");
        assertThat(ds.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(
                        o -> assertThat(o.getUid()).isEqualTo(pm.getMetadata().getUid()));
        assertThat(ds.getSpec().getSelector().getMatchLabels())
                .containsEntry(AgentLabels.INSTANCE, "hello")
                .containsEntry("app.kubernetes.io/name", "procmodule-agent");
        assertThat(ds.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("PM_MODULE_NAME=hello_proc"));
        ProcModule stored = get("hello");
        assertThat(stored.getMetadata().getFinalizers()).containsExactly("procmodules.procmodule.io/finalizer");
        ProcModuleStatus s = awaitStatus("hello", st -> st.getDesiredNodes() == 2);
        assertThat(s.getReady()).isEqualTo("0/2");
        assertThat(s.getPhase()).isEqualTo(Phase.Progressing);
        assertThat(s.getNodes()).extracting(NodeStatus::getState).containsOnly(NodeState.Pending);
    }

    @Test
    void podsProgressToVerifiedAndReady() {
        startOperator();
        create(procModule("hello"));
        placeAgents("hello");

        kubelet.report("hello", "node-a", PodStatuses.agentBuilding());
        kubelet.report("hello", "node-b", PodStatuses.agentLoading());
        ProcModuleStatus progressing = awaitStatus(
                "hello", st -> states(st).equals(Map.of("node-a", NodeState.Building, "node-b", NodeState.Loading)));
        assertThat(progressing.condition("Ready").orElseThrow().getStatus()).isEqualTo("False");
        assertThat(progressing.condition("Progressing").orElseThrow().getReason())
                .isEqualTo("RollingOut");
        assertThat(nodeLabels("node-a")).containsEntry("procmodule.io/hello", "hello_proc");

        kubelet.report("hello", "node-a", PodStatuses.agentVerifying());
        awaitStatus("hello", st -> states(st).get("node-a") == NodeState.Verifying);
        kubelet.report("hello", "node-a", PodStatuses.agentVerified("Loaded"));
        kubelet.report("hello", "node-b", PodStatuses.agentVerified("Adopted"));

        ProcModuleStatus ready = awaitStatus("hello", st -> st.getPhase() == Phase.Ready);
        assertThat(ready.getReady()).isEqualTo("2/2");
        assertThat(ready.getVerifiedNodes()).isEqualTo(2);
        assertThat(ready.condition("Ready").orElseThrow().getStatus()).isEqualTo("True");
        assertThat(ready.condition("Ready").orElseThrow().getReason()).isEqualTo("AllNodesVerified");
        assertThat(ready.condition("Degraded").orElseThrow().getStatus()).isEqualTo("False");
        assertThat(ready.getNodes())
                .extracting(NodeStatus::getNodeName, NodeStatus::getKernelRelease, NodeStatus::getReason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("node-a", "6.1.0-56-amd64", "Loaded"),
                        org.assertj.core.groups.Tuple.tuple("node-b", "6.12.117+deb12-amd64", "Adopted"));
        assertThat(ready.getKernels()).hasSize(2);
        await().atMost(WAIT).until(() -> verifiedNodesNamedInEvents("hello").equals(List.of("node-a", "node-b")));
    }

    @Test
    void failedNodeMakesTheResourceDegradedWithTheAgentsReason() {
        startOperator();
        create(procModule("hello"));
        placeAgents("hello");
        kubelet.report("hello", "node-a", PodStatuses.agentVerified("Loaded"));
        kubelet.report(
                "hello",
                "node-b",
                PodStatuses.agentBuildFailed(
                        "HeadersMissing",
                        "no headers for 6.12.117+deb12-amd64: install linux-headers-6.12.117+deb12-amd64"));

        ProcModuleStatus s = awaitStatus("hello", st -> st.getPhase() == Phase.Degraded && st.getVerifiedNodes() == 1);
        assertThat(s.getReady()).isEqualTo("1/2");
        NodeStatus b = s.getNodes().get(0);
        assertThat(b.getNodeName()).isEqualTo("node-b");
        assertThat(b.getState()).isEqualTo(NodeState.Failed);
        assertThat(b.getReason()).isEqualTo("HeadersMissing");
        assertThat(b.getMessage()).contains("install linux-headers-6.12.117+deb12-amd64");
        assertThat(s.condition("Degraded").orElseThrow().getStatus()).isEqualTo("True");
        assertThat(s.condition("Degraded").orElseThrow().getMessage()).contains("node-b (HeadersMissing)");
        await().atMost(WAIT).until(() -> eventReasons("hello").contains("NodeFailed"));
        // What a user sees (kept in the test report): kubectl get procmodules, and the status.
        ProcModule degraded = get("hello");
        System.out.println(PrinterColumns.table(List.of(degraded), Instant.now()));
        System.out.println(client.getKubernetesSerialization().asYaml(degraded.getStatus()));
    }

    @Test
    void specChangeUpdatesTheDaemonSetAndOldPodsStopCounting() {
        startOperator();
        create(procModule("hello"));
        String oldHash = DesiredDaemonSet.configHash(placeAgents("hello"));
        kubelet.report("hello", "node-a", PodStatuses.agentVerified("Loaded"));
        kubelet.report("hello", "node-b", PodStatuses.agentVerified("Loaded"));
        awaitStatus("hello", st -> st.getPhase() == Phase.Ready);

        client.resources(ProcModule.class).withName("hello").edit(pm -> {
            pm.getSpec().setMessage("Goodbye, World!");
            pm.getSpec().getRollout().setMaxUnavailable(new IntOrString("50%"));
            return pm;
        });

        await().atMost(WAIT).until(() -> !oldHash.equals(DesiredDaemonSet.configHash(daemonSet("hello"))));
        DaemonSet ds = daemonSet("hello");
        assertThat(ds.getSpec()
                        .getUpdateStrategy()
                        .getRollingUpdate()
                        .getMaxUnavailable()
                        .getStrVal())
                .isEqualTo("50%");
        assertThat(ds.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getInitContainers()
                        .get(1)
                        .getEnv())
                .anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("PM_MESSAGE=Goodbye, World!"));
        ProcModuleStatus outdated = awaitStatus("hello", st -> st.getObservedGeneration() == 2);
        assertThat(outdated.getReady()).isEqualTo("0/2");
        assertThat(outdated.getNodes()).extracting(NodeStatus::getReason).containsOnly("Outdated");
        assertThat(outdated.condition("Ready").orElseThrow().getObservedGeneration())
                .isEqualTo(2L);

        // maxUnavailable 50% of 2 nodes: the DaemonSet controller replaces one pod at a time, the
        // next only once the replacement is ready.
        for (String node : List.of("node-a", "node-b")) {
            daemonSets.sync(); // deletes one outdated pod
            daemonSets.sync(); // creates its replacement
            kubelet.report("hello", node, PodStatuses.agentVerified("Replaced"));
        }
        assertThat(awaitStatus("hello", st -> st.getPhase() == Phase.Ready).getReady())
                .isEqualTo("2/2");
        assertThat(client.apps().daemonSets().inNamespace(NS).list().getItems()).hasSize(1);
    }

    @Test
    void refusedDaemonSetReachesTheStatusAndOneEvent() {
        server.expect()
                .post()
                .withPath("/apis/apps/v1/namespaces/" + NS + "/daemonsets")
                .andReturn(
                        403,
                        new StatusBuilder()
                                .withCode(403)
                                .withReason("Forbidden")
                                .withMessage("daemonsets.apps is forbidden: exceeded quota")
                                .build())
                .always();
        startOperator();
        create(procModule("hello"));

        ProcModuleStatus s = awaitStatus(
                "hello",
                st -> st.condition("Degraded")
                        .filter(c -> "ApiError".equals(c.getReason()))
                        .isPresent());
        assertThat(s.condition("Degraded").orElseThrow().getStatus()).isEqualTo("True");
        assertThat(s.condition("Degraded").orElseThrow().getMessage())
                .contains("403")
                .contains("exceeded quota");
        await().atMost(WAIT).until(() -> eventReasons("hello").contains("ApiError"));
        // JOSDK retries (2 s, then 3 s): the retries write no status and record no second event.
        String resourceVersion = get("hello").getMetadata().getResourceVersion();
        await().during(Duration.ofSeconds(6))
                .atMost(WAIT)
                .until(() -> eventReasons("hello").stream()
                                .filter("ApiError"::equals)
                                .count()
                        == 1);
        assertThat(get("hello").getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
        assertThat(daemonSet("hello")).isNull();
    }

    @Test
    void invalidSpecCreatesNothing() {
        startOperator();
        ProcModule pm = procModule("bad");
        pm.getSpec().setMessage("say \"hi\"");
        pm.getSpec().setNodeSelector(Map.of("bad key!", "x"));
        create(pm);

        ProcModuleStatus s = awaitStatus("bad", st -> st.getPhase() == Phase.Failed);
        assertThat(s.condition("Ready").orElseThrow().getReason()).isEqualTo("InvalidSpec");
        assertThat(s.condition("Degraded").orElseThrow().getMessage())
                .contains("spec.message")
                .contains("spec.nodeSelector key \"bad key!\"");
        await().atMost(WAIT).until(() -> eventReasons("bad").contains("InvalidSpec"));
        assertThat(client.apps().daemonSets().inNamespace(NS).list().getItems()).isEmpty();
    }

    @Test
    void sameEntryOnSharedNodesConflictsDifferentEntryDoesNot() {
        startOperator();
        create(procModule("first"));
        awaitDaemonSet("first");
        create(procModule("second"));
        ProcModule other = procModule("other");
        other.getSpec().setEntryName("other_entry");
        create(other);

        ProcModuleStatus s = awaitStatus("second", st -> st.getPhase() == Phase.Failed);
        assertThat(s.condition("Ready").orElseThrow().getReason()).isEqualTo("Conflict");
        assertThat(s.condition("Ready").orElseThrow().getMessage())
                .contains("ProcModule first")
                .contains("hello_proc");
        awaitDaemonSet("other");
        assertThat(daemonSet("second")).isNull();
        await().atMost(WAIT).until(() -> eventReasons("second").contains("Conflict"));

        // The first one's module may be loaded on the shared nodes until its unload is confirmed.
        client.resources(ProcModule.class).withName("first").delete();
        await().atMost(WAIT).until(() -> kubelet.unloadPods("first").size() == 2);
        assertThat(daemonSet("second")).isNull();
        kubelet.reportUnload("first", "node-a", PodStatuses.unloadSucceeded("Unloaded"));
        kubelet.reportUnload("first", "node-b", PodStatuses.unloadSucceeded("Unloaded"));
        awaitDaemonSet("second");
    }

    @Test
    void nodesWhereAnAgentMayRunWhileTheOperatorIsDownAreUnloadedOnDelete() {
        startOperator();
        create(procModule("hello"));
        DaemonSet ds = awaitDaemonSet("hello");
        // Recorded before any agent can start there: the DaemonSet selects labelled nodes only.
        assertThat(ds.getSpec().getTemplate().getSpec().getNodeSelector())
                .containsEntry("procmodule.io/hello", "hello_proc");
        await().atMost(WAIT)
                .until(() -> nodeLabels("node-a").containsKey("procmodule.io/hello")
                        && nodeLabels("node-b").containsKey("procmodule.io/hello"));

        operator.close();
        daemonSets.sync();
        kubelet.report("hello", "node-a", PodStatuses.agentVerified("Loaded"));
        kubelet.report("hello", "node-b", PodStatuses.agentVerified("Loaded"));
        client.resources(ProcModule.class).withName("hello").delete();
        startOperator();

        await().atMost(WAIT).until(() -> kubelet.unloadPods("hello").size() == 2);
        kubelet.reportUnload("hello", "node-a", PodStatuses.unloadSucceeded("Unloaded"));
        kubelet.reportUnload("hello", "node-b", PodStatuses.unloadSucceeded("Unloaded"));
        await().atMost(WAIT).until(() -> get("hello") == null);
    }

    @Test
    void conflictFoundAfterTheDaemonSetExistsDeletesIt() {
        startOperator();
        ProcModule first = procModule("first");
        first.getSpec().setNodeSelector(Map.of("pool", "a"));
        client.nodes().withName("node-a").edit(n -> label(n, "pool", "a"));
        create(first);
        awaitDaemonSet("first");
        ProcModule second = procModule("second");
        second.getSpec().setNodeSelector(Map.of("zone", "b"));
        client.nodes().withName("node-b").edit(n -> label(n, "zone", "b"));
        create(second);
        awaitDaemonSet("second");

        client.nodes().withName("node-a").edit(n -> label(n, "zone", "b"));

        awaitStatus("second", st -> st.getPhase() == Phase.Failed);
        await().atMost(WAIT).until(() -> daemonSet("second") == null);
        assertThat(daemonSet("first")).isNotNull();
    }

    @Test
    void deleteUnloadsEveryNodeThenRemovesTheFinalizer() {
        startOperator();
        verifiedOnBothNodes("hello");

        client.resources(ProcModule.class).withName("hello").delete();
        await().atMost(WAIT).until(() -> daemonSet("hello") == null);
        await().atMost(WAIT).until(() -> kubelet.unloadPods("hello").size() == 2);
        ProcModuleStatus deleting = awaitStatus("hello", st -> st.getPhase() == Phase.Deleting);
        assertThat(deleting.getUnloadingNodes()).isEqualTo(2);
        assertThat(kubelet.unloadPod("hello", "node-a")
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getEnv())
                .anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("PM_ENTRY_NAME=hello_world"));
        garbageCollector.sync(); // the agent pods of the deleted DaemonSet

        kubelet.reportUnload("hello", "node-a", PodStatuses.unloadSucceeded("Unloaded"));
        await().atMost(WAIT).until(() -> !nodeLabels("node-a").containsKey("procmodule.io/hello"));
        assertThat(get("hello")).as("node-b is not confirmed yet").isNotNull();
        kubelet.reportUnload("hello", "node-b", PodStatuses.unloadSucceeded("NotLoaded"));

        await().atMost(WAIT).until(() -> get("hello") == null);
        assertThat(nodeLabels("node-b")).doesNotContainKey("procmodule.io/hello");
        assertThat(kubelet.unloadPods("hello")).isEmpty();
        assertThat(eventReasons("hello").stream().filter("Unloaded"::equals).count())
                .isEqualTo(2);
    }

    @Test
    void nodeDeletedDuringDeletionDoesNotBlock() {
        startOperator();
        verifiedOnBothNodes("hello");
        client.resources(ProcModule.class).withName("hello").delete();
        await().atMost(WAIT).until(() -> kubelet.unloadPods("hello").size() == 2);

        client.nodes().withName("node-b").delete();
        kubelet.reportUnload("hello", "node-a", PodStatuses.unloadSucceeded("Unloaded"));

        await().atMost(WAIT).until(() -> get("hello") == null);
        await().atMost(WAIT).until(() -> kubelet.unloadPods("hello").isEmpty());
    }

    @Test
    void unloadThatNeverConfirmsIsAbandonedAfterTheTimeout() {
        config = config.withUnloadTimeout(Duration.ofSeconds(2));
        startOperator();
        verifiedOnBothNodes("hello");
        client.resources(ProcModule.class).withName("hello").delete();
        await().atMost(WAIT).until(() -> kubelet.unloadPods("hello").size() == 2);
        kubelet.reportUnload("hello", "node-a", PodStatuses.unloadSucceeded("Unloaded"));
        kubelet.reportUnload("hello", "node-b", PodStatuses.unloadFailing("UnloadFailed", "module in use"));

        await().atMost(WAIT).until(() -> get("hello") == null);
        List<Event> events = events("hello");
        assertThat(events)
                .filteredOn(e -> "UnloadAbandoned".equals(e.getReason()))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getMessage()).contains("node-b").contains("UnloadFailed");
                });
        assertThat(nodeLabels("node-b")).doesNotContainKey("procmodule.io/hello");
    }

    @Test
    void unloadPodsThatCannotBeCreatedAreAbandonedAfterTheTimeout() {
        config = config.withUnloadTimeout(Duration.ofSeconds(2));
        startOperator();
        verifiedOnBothNodes("hello");
        server.expect()
                .post()
                .withPath("/api/v1/namespaces/" + NS + "/pods")
                .andReturn(422, refusal(422, "Pod is invalid: spec.tolerations[0].effect"))
                .always();
        client.resources(ProcModule.class).withName("hello").delete();

        await().atMost(WAIT).until(() -> get("hello") == null);
        assertThat(events("hello"))
                .filteredOn(e -> "UnloadAbandoned".equals(e.getReason()))
                .extracting(Event::getMessage)
                .hasSize(2)
                .allSatisfy(m -> assertThat(m).contains("no unload pod could be created"));
        assertThat(nodeLabels("node-a")).doesNotContainKey("procmodule.io/hello");
    }

    @Test
    void oneNodesRefusedCallDoesNotBlockAnothersConfirmation() {
        startOperator();
        verifiedOnBothNodes("hello");
        client.resources(ProcModule.class).withName("hello").delete();
        await().atMost(WAIT).until(() -> kubelet.unloadPods("hello").size() == 2);
        server.expect()
                .patch()
                .withPath("/api/v1/nodes/node-a")
                .andReturn(403, refusal(403, "nodes \"node-a\" is forbidden"))
                .always();
        kubelet.reportUnload("hello", "node-a", PodStatuses.unloadSucceeded("Unloaded"));
        kubelet.reportUnload("hello", "node-b", PodStatuses.unloadSucceeded("Unloaded"));

        await().atMost(WAIT).until(() -> !nodeLabels("node-b").containsKey("procmodule.io/hello"));
        assertThat(nodeLabels("node-a")).containsKey("procmodule.io/hello");
        assertThat(get("hello"))
                .as("node-a is not confirmed: the finalizer stays")
                .isNotNull();
    }

    @Test
    void nodeLeavingTheSelectionIsUnloaded() {
        client.nodes().withName("node-a").edit(n -> label(n, "pm", "yes"));
        client.nodes().withName("node-b").edit(n -> label(n, "pm", "yes"));
        startOperator();
        ProcModule pm = procModule("hello");
        pm.getSpec().setNodeSelector(Map.of("pm", "yes"));
        create(pm);
        placeAgents("hello");
        kubelet.report("hello", "node-a", PodStatuses.agentVerified("Loaded"));
        kubelet.report("hello", "node-b", PodStatuses.agentVerified("Loaded"));
        awaitStatus("hello", st -> st.getPhase() == Phase.Ready);
        await().atMost(WAIT).until(() -> nodeLabels("node-b").containsKey("procmodule.io/hello"));

        client.nodes().withName("node-b").edit(n -> label(n, "pm", "no"));
        await().atMost(WAIT).until(() -> kubelet.unloadPods("hello").size() == 1);
        daemonSets.sync();
        ProcModuleStatus unloading = awaitStatus("hello", st -> states(st).get("node-b") == NodeState.Unloading);
        assertThat(unloading.getReady()).isEqualTo("1/1");
        assertThat(unloading.getPhase()).isEqualTo(Phase.Progressing);
        kubelet.reportUnload("hello", "node-b", PodStatuses.unloadSucceeded("Unloaded"));

        await().atMost(WAIT).until(() -> !nodeLabels("node-b").containsKey("procmodule.io/hello"));
        ProcModuleStatus s = awaitStatus(
                "hello", st -> st.getPhase() == Phase.Ready && !states(st).containsKey("node-b"));
        assertThat(s.getReady()).isEqualTo("1/1");
        assertThat(kubelet.unloadPods("hello")).isEmpty();
        assertThat(eventReasons("hello")).contains("Unloaded");
    }

    @Test
    void restartMidRolloutConvergesWithoutDuplicates() {
        startOperator();
        create(procModule("hello"));
        placeAgents("hello");
        kubelet.report("hello", "node-a", PodStatuses.agentBuilding());
        awaitStatus("hello", st -> states(st).get("node-a") == NodeState.Building);

        operator.close();
        kubelet.report("hello", "node-a", PodStatuses.agentVerified("Loaded"));
        kubelet.report("hello", "node-b", PodStatuses.agentVerified("Loaded"));
        startOperator();

        awaitStatus("hello", st -> st.getPhase() == Phase.Ready);
        assertThat(client.apps().daemonSets().inNamespace(NS).list().getItems()).hasSize(1);

        client.resources(ProcModule.class).withName("hello").delete();
        await().atMost(WAIT).until(() -> kubelet.unloadPods("hello").size() == 2);
        operator.close();
        startOperator();
        kubelet.reportUnload("hello", "node-a", PodStatuses.unloadSucceeded("Unloaded"));
        kubelet.reportUnload("hello", "node-b", PodStatuses.unloadSucceeded("Unloaded"));
        await().atMost(WAIT).until(() -> get("hello") == null);
        assertThat(verifiedNodesNamedInEvents("hello")).containsExactly("node-a", "node-b");
    }

    // --- helpers

    void verifiedOnBothNodes(String name) {
        create(procModule(name));
        placeAgents(name);
        kubelet.report(name, "node-a", PodStatuses.agentVerified("Loaded"));
        kubelet.report(name, "node-b", PodStatuses.agentVerified("Loaded"));
        awaitStatus(name, st -> st.getPhase() == Phase.Ready);
        await().atMost(WAIT)
                .until(() -> nodeLabels("node-a").containsKey("procmodule.io/" + name)
                        && nodeLabels("node-b").containsKey("procmodule.io/" + name));
    }

    static ProcModule procModule(String name) {
        ProcModule pm = new ProcModule();
        pm.setMetadata(new ObjectMetaBuilder().withName(name).build());
        return pm;
    }

    ProcModule create(ProcModule pm) {
        return client.resource(pm).create();
    }

    ProcModule get(String name) {
        return client.resources(ProcModule.class).withName(name).get();
    }

    ProcModuleStatus awaitStatus(String name, Predicate<ProcModuleStatus> condition) {
        return await().atMost(WAIT)
                .until(
                        () -> {
                            ProcModule pm = get(name);
                            return pm == null ? null : pm.getStatus();
                        },
                        s -> s != null && condition.test(s));
    }

    DaemonSet daemonSet(String name) {
        return client.apps()
                .daemonSets()
                .inNamespace(NS)
                .withName(AgentLabels.daemonSetName(name))
                .get();
    }

    DaemonSet awaitDaemonSet(String name) {
        return await().atMost(WAIT).until(() -> daemonSet(name), ds -> ds != null);
    }

    /**
     * Once the operator has labelled every node its selector matches (the DaemonSet selects only
     * labelled nodes), lets the DaemonSet-controller stand-in create the agent pods.
     */
    DaemonSet placeAgents(String name) {
        DaemonSet ds = awaitDaemonSet(name);
        String label = AgentLabels.nodeLabel(name);
        Map<String, String> selector =
                new java.util.HashMap<>(ds.getSpec().getTemplate().getSpec().getNodeSelector());
        selector.remove(label);
        await().atMost(WAIT)
                .until(() -> client.nodes().list().getItems().stream()
                        .filter(n -> n.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                        .allMatch(n -> n.getMetadata().getLabels().containsKey(label)));
        daemonSets.sync();
        return ds;
    }

    Map<String, String> nodeLabels(String node) {
        return client.nodes().withName(node).get().getMetadata().getLabels();
    }

    static Map<String, NodeState> states(ProcModuleStatus s) {
        return s.getNodes().stream()
                .collect(java.util.stream.Collectors.toMap(NodeStatus::getNodeName, NodeStatus::getState));
    }

    List<Event> events(String name) {
        return client.v1().events().inNamespace(EventRecorder.NAMESPACE).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    List<String> eventReasons(String name) {
        return events(name).stream().map(Event::getReason).toList();
    }

    /** Nodes the NodeVerified events name, sorted (events aggregate the nodes of one status change). */
    List<String> verifiedNodesNamedInEvents(String name) {
        return events(name).stream()
                .filter(e -> "NodeVerified".equals(e.getReason()))
                .flatMap(e -> java.util.regex.Pattern.compile("node (\\S+) \\(kernel")
                        .matcher(e.getMessage())
                        .results()
                        .map(m -> m.group(1)))
                .sorted()
                .toList();
    }

    static io.fabric8.kubernetes.api.model.Status refusal(int code, String message) {
        return new StatusBuilder().withCode(code).withMessage(message).build();
    }

    static Node label(Node n, String key, String value) {
        n.getMetadata().getLabels().put(key, value);
        return n;
    }
}
