package io.procmodule.e2e.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.procmodule.e2e.controlplane.ControlPlane;
import io.procmodule.e2e.rbac.DeploymentEnv;
import io.procmodule.e2e.scenarios.Sample;
import io.procmodule.operator.OperatorConfig;
import io.procmodule.operator.ProcModuleOperator;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.agent.DesiredUnloadPod;
import io.procmodule.operator.api.NodeState;
import io.procmodule.operator.api.NodeStatus;
import io.procmodule.operator.api.Phase;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;
import io.procmodule.operator.testing.PodStatuses;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What nodes do to a resource, on the real API server with the real DaemonSet controller: a node
 * whose agent fails, a conflict that appears after both DaemonSets exist, agents that load while
 * the operator is down, an unload that never confirms, a node deleted mid-deletion.
 */
@ExtendWith(WithControlPlane.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeOutcomesOnApiServerTest {
    private static final String NAMESPACE = OperatorOnApiServerTest.NAMESPACE;
    private static final String SELECT_LABEL = "e2e.procmodule.io/outcomes";
    private static final String A = "outcome-a";
    private static final String B = "outcome-b";
    private static final Duration STEP = Duration.ofSeconds(120);
    private static final Duration UNLOAD_TIMEOUT = Duration.ofSeconds(10);

    private static ControlPlane controlPlane;
    private static Map<String, KubeletStandIn> kubelets;
    private static KubernetesClient operatorClient;
    private static Operator operator;

    private final KubernetesClient admin;

    NodeOutcomesOnApiServerTest(ControlPlane controlPlane) {
        this.admin = controlPlane.admin();
    }

    @BeforeAll
    static void startNodesAndOperator(ControlPlane started) {
        controlPlane = started;
        controlPlane.installDeploy();
        kubelets = Map.of(
                A, KubeletStandIn.register(controlPlane, A, "6.1.0-56-amd64"),
                B, KubeletStandIn.register(controlPlane, B, "6.12.117+deb12-amd64"));
        kubelets.keySet().forEach(n -> label(n, SELECT_LABEL, "yes"));
        startOperator();
    }

    private static void startOperator() {
        operatorClient = controlPlane.clientFor(NAMESPACE, OperatorOnApiServerTest.SERVICE_ACCOUNT, "e2e-outcomes");
        Map<String, String> env = new HashMap<>(DeploymentEnv.operatorEnv());
        env.put("LEADER_ELECTION", "false");
        env.put("RECHECK_INTERVAL", "PT1S");
        env.put("UNLOAD_TIMEOUT", UNLOAD_TIMEOUT.toString());
        operator = ProcModuleOperator.create(operatorClient, OperatorConfig.fromEnv(env), new SimpleMeterRegistry());
        operator.start();
    }

    private static void stopOperator() {
        operator.stop();
        operatorClient.close();
    }

    @AfterEach
    void everyNodeSucceedsAgain() {
        kubelets.values().forEach(k -> {
            k.agentOutcome(null);
            k.holdUnloads(false);
        });
    }

    @AfterAll
    static void stopOperatorAndRemoveNodes() {
        stopOperator();
        kubelets.values().forEach(KubeletStandIn::close);
        // Later test classes select every node: these must not linger without a kubelet.
        kubelets.keySet().forEach(n -> controlPlane.admin().nodes().withName(n).delete());
    }

    @Test
    @Order(1)
    void aNodeWhoseAgentFailsMakesTheResourceDegradedWithTheAgentsReason() {
        kubelets.get(B)
                .agentOutcome(PodStatuses.agentBuildFailed(
                        "HeadersMissing",
                        "no headers for 6.12.117+deb12-amd64: install linux-headers-6.12.117+deb12-amd64"));
        create("e2e-degraded", "degraded_entry");

        ProcModuleStatus s =
                awaitStatus("e2e-degraded", st -> st.getPhase() == Phase.Degraded && st.getVerifiedNodes() == 1);
        assertThat(s.getReady()).isEqualTo("1/2");
        NodeStatus failed = s.getNodes().get(0);
        assertThat(failed.getNodeName()).isEqualTo(B);
        assertThat(failed.getState()).isEqualTo(NodeState.Failed);
        assertThat(failed.getReason()).isEqualTo("HeadersMissing");
        assertThat(failed.getMessage()).contains("install linux-headers-6.12.117+deb12-amd64");
        assertThat(s.condition(ProcModuleStatus.CONDITION_DEGRADED)
                        .orElseThrow()
                        .getMessage())
                .contains(B + " (HeadersMissing)");
        await().atMost(STEP).until(() -> eventReasons("e2e-degraded").contains("NodeFailed"));
        assertThat(controlPlane.kubectlOrThrow("get", "procmodule", "e2e-degraded"))
                .containsPattern("e2e-degraded\\s+degraded_entry\\s+1/2\\s+Degraded");
        delete("e2e-degraded");
    }

    @Test
    @Order(2)
    void aConflictFoundAfterBothDaemonSetsExistRemovesTheYoungersDaemonSet() {
        label(A, "e2e.procmodule.io/pool", "first");
        label(B, "e2e.procmodule.io/pool", "second");
        ProcModule first = Sample.resource("e2e-older", "contested_entry", "older");
        first.getSpec().setNodeSelector(Map.of("e2e.procmodule.io/pool", "first"));
        admin.resource(first).create();
        ProcModule second = Sample.resource("e2e-younger", "contested_entry", "younger");
        second.getSpec().setNodeSelector(Map.of(SELECT_LABEL, "yes", "e2e.procmodule.io/second", "yes"));
        label(B, "e2e.procmodule.io/second", "yes");
        admin.resource(second).create();
        await().atMost(STEP).until(() -> daemonSet("e2e-older") != null && daemonSet("e2e-younger") != null);

        // Node A now matches both: the younger resource must not touch it.
        label(A, "e2e.procmodule.io/second", "yes");
        awaitStatus("e2e-younger", st -> st.getPhase() == Phase.Failed);
        await().atMost(STEP).until(() -> daemonSet("e2e-younger") == null);
        assertThat(daemonSet("e2e-older")).isNotNull();
        delete("e2e-younger");
        delete("e2e-older");
    }

    @Test
    @Order(3)
    void agentsThatRanWhileTheOperatorWasDownAreUnloadedOnDelete() {
        Instant since = Instant.now();
        create("e2e-unseen", "unseen_entry");
        await().atMost(STEP).until(() -> daemonSet("e2e-unseen") != null);
        stopOperator();
        await("agents running on both nodes while no operator watches")
                .atMost(STEP)
                .until(() -> admin
                                .pods()
                                .inNamespace(NAMESPACE)
                                .withLabel(AgentLabels.INSTANCE, "e2e-unseen")
                                .withLabel(AgentLabels.COMPONENT, AgentLabels.COMPONENT_AGENT)
                                .list()
                                .getItems()
                                .stream()
                                .filter(p -> p.getStatus() != null
                                        && "Running".equals(p.getStatus().getPhase()))
                                .count()
                        == 2);
        admin.resources(ProcModule.class).withName("e2e-unseen").delete();
        startOperator();

        await().atMost(STEP).until(() -> get("e2e-unseen") == null);
        assertThat(AuditLog.requestsBy(controlPlane.auditLog(), OperatorOnApiServerTest.OPERATOR_USER))
                .as("unload pods created after the restart")
                .filteredOn(r -> r.received().isAfter(since)
                        && r.verb().equals("create")
                        && r.resource().equals("pods")
                        && r.code() == 201)
                .extracting(AuditLog.Request::name)
                .containsExactlyInAnyOrder(
                        DesiredUnloadPod.name("e2e-unseen", A), DesiredUnloadPod.name("e2e-unseen", B));
    }

    @Test
    @Order(4)
    void anUnloadThatNeverConfirmsIsAbandonedAfterTheTimeoutWithAWarning() {
        create("e2e-stuck", "stuck_entry");
        awaitStatus("e2e-stuck", st -> st.getPhase() == Phase.Ready);
        kubelets.get(B).holdUnloads(true);
        admin.resources(ProcModule.class).withName("e2e-stuck").delete();

        await().atMost(STEP).until(() -> get("e2e-stuck") == null);
        assertThat(events("e2e-stuck"))
                .filteredOn(e -> "UnloadAbandoned".equals(e.getReason()))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getMessage()).contains(B);
                });
        assertThat(admin.nodes().withName(B).get().getMetadata().getLabels())
                .doesNotContainKey(AgentLabels.nodeLabel("e2e-stuck"));
    }

    @Test
    @Order(5)
    void aNodeDeletedDuringDeletionDoesNotHoldTheResource() {
        create("e2e-vanishing", "vanishing_entry");
        awaitStatus("e2e-vanishing", st -> st.getPhase() == Phase.Ready);
        kubelets.values().forEach(k -> k.holdUnloads(true));
        admin.resources(ProcModule.class).withName("e2e-vanishing").delete();
        await().atMost(STEP)
                .until(() -> admin.pods()
                                .inNamespace(NAMESPACE)
                                .withLabel(AgentLabels.INSTANCE, "e2e-vanishing")
                                .withLabel(AgentLabels.COMPONENT, AgentLabels.COMPONENT_UNLOAD)
                                .list()
                                .getItems()
                                .size()
                        == 2);

        admin.nodes().withName(B).delete();
        kubelets.get(A).holdUnloads(false);
        // Well within the unload timeout: the deleted node is not waited for.
        Instant released = Instant.now();
        await().atMost(STEP).until(() -> get("e2e-vanishing") == null);
        assertThat(events("e2e-vanishing")).noneMatch(e -> "UnloadAbandoned".equals(e.getReason()));
        System.out.printf(
                "deletion finished %d ms after node %s was deleted%n",
                Duration.between(released, Instant.now()).toMillis(), B);
    }

    private void create(String name, String entry) {
        ProcModule pm = Sample.resource(name, entry, "outcomes");
        pm.getSpec().setNodeSelector(Map.of(SELECT_LABEL, "yes"));
        admin.resource(pm).create();
    }

    private void delete(String name) {
        controlPlane.kubectlOrThrow("delete", "procmodule", name, "--timeout=" + STEP.toSeconds() + "s");
    }

    private ProcModule get(String name) {
        return admin.resources(ProcModule.class).withName(name).get();
    }

    private ProcModuleStatus awaitStatus(String name, Predicate<ProcModuleStatus> condition) {
        return await(name + " status")
                .atMost(STEP)
                .until(
                        () -> {
                            ProcModule pm = get(name);
                            return pm == null ? null : pm.getStatus();
                        },
                        s -> s != null && condition.test(s));
    }

    private DaemonSet daemonSet(String name) {
        return admin.apps()
                .daemonSets()
                .inNamespace(NAMESPACE)
                .withName(AgentLabels.daemonSetName(name))
                .get();
    }

    private List<Event> events(String name) {
        return admin.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    private List<String> eventReasons(String name) {
        return events(name).stream().map(Event::getReason).toList();
    }

    private static void label(String node, String key, String value) {
        controlPlane.admin().nodes().withName(node).edit(n -> {
            n.getMetadata().getLabels().put(key, value);
            return n;
        });
    }
}
