package io.procmodule.e2e.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.procmodule.e2e.controlplane.ControlPlane;
import io.procmodule.e2e.rbac.DeploymentEnv;
import io.procmodule.e2e.scenarios.Sample;
import io.procmodule.operator.OperatorConfig;
import io.procmodule.operator.ProcModuleOperator;
import io.procmodule.operator.api.NodeState;
import io.procmodule.operator.api.NodeStatus;
import io.procmodule.operator.api.Phase;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The write strategy (status as a PUT locked to the resourceVersion it was computed from) on the
 * real API server, under the worst case: two operators reconcile the same resource at once (as two
 * replicas would if leader election failed), so each often writes from a cache the other has made
 * stale, while a user keeps changing the spec. Every status the server ever stored must be
 * internally consistent (each node listed once, counts matching the list), and the last one must
 * describe the last generation.
 */
@ExtendWith(WithControlPlane.class)
class StatusWritesOnApiServerTest {
    private static final String NAME = "e2e-writes";
    private static final String SELECT_LABEL = "e2e.procmodule.io/writes";
    private static final List<String> NODES = List.of("writes-a", "writes-b", "writes-c");
    private static final Duration STEP = Duration.ofSeconds(120);

    private static List<KubeletStandIn> kubelets;
    private static final List<KubernetesClient> operatorClients = new ArrayList<>();
    private static final List<Operator> operators = new ArrayList<>();

    private final ControlPlane controlPlane;
    private final KubernetesClient admin;

    StatusWritesOnApiServerTest(ControlPlane controlPlane) {
        this.controlPlane = controlPlane;
        this.admin = controlPlane.admin();
    }

    @BeforeAll
    static void startNodesAndTwoOperators(ControlPlane controlPlane) {
        controlPlane.installDeploy();
        kubelets = NODES.stream()
                .map(n -> KubeletStandIn.register(controlPlane, n, "6.1.0-56-amd64"))
                .toList();
        NODES.forEach(n -> controlPlane.admin().nodes().withName(n).edit(node -> {
            node.getMetadata().getLabels().put(SELECT_LABEL, "yes");
            return node;
        }));
        Map<String, String> env = new HashMap<>(DeploymentEnv.operatorEnv());
        env.put("LEADER_ELECTION", "false");
        env.put("RECHECK_INTERVAL", "PT1S");
        for (String replica : List.of("writes-operator-1", "writes-operator-2")) {
            KubernetesClient client = controlPlane.clientFor(
                    OperatorOnApiServerTest.NAMESPACE, OperatorOnApiServerTest.SERVICE_ACCOUNT, replica);
            Operator operator =
                    ProcModuleOperator.create(client, OperatorConfig.fromEnv(env), new SimpleMeterRegistry());
            operator.start();
            operatorClients.add(client);
            operators.add(operator);
        }
    }

    @AfterAll
    static void stopOperatorsAndNodes() {
        operators.forEach(Operator::stop);
        operatorClients.forEach(KubernetesClient::close);
        if (kubelets != null) {
            kubelets.forEach(KubeletStandIn::close);
        }
    }

    @AfterAll
    static void removeNodes(ControlPlane controlPlane) {
        // Later test classes select every node: these must not linger without a kubelet.
        NODES.forEach(n -> controlPlane.admin().nodes().withName(n).delete());
    }

    @Test
    void concurrentWritersAndStaleCachesNeitherLoseNorDuplicateStatusEntries() {
        List<ProcModuleStatus> stored = new CopyOnWriteArrayList<>();
        int conflictsBefore = statusConflicts();
        try (Watch watch = admin.resources(ProcModule.class).withName(NAME).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ProcModule pm) {
                if (pm.getStatus() != null) {
                    stored.add(pm.getStatus());
                }
            }

            @Override
            public void onClose(WatcherException cause) {}
        })) {
            ProcModule pm = Sample.resource(NAME, "writes_entry", "message 0");
            pm.getSpec().setNodeSelector(Map.of(SELECT_LABEL, "yes"));
            admin.resource(pm).create();
            // A user editing the spec while both operators write status and the pods roll.
            IntStream.rangeClosed(1, 4).forEach(i -> {
                await().atMost(STEP)
                        .until(() -> admin.resources(ProcModule.class)
                                        .withName(NAME)
                                        .get()
                                        .getStatus()
                                != null);
                // As `kubectl patch --type=merge`: no resourceVersion, so the operators' status writes
                // never make the user's edit fail.
                admin.resources(ProcModule.class)
                        .withName(NAME)
                        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"message\":\"message " + i + "\"}}");
            });
            long lastGeneration = admin.resources(ProcModule.class)
                    .withName(NAME)
                    .get()
                    .getMetadata()
                    .getGeneration();

            ProcModuleStatus last = await().atMost(STEP)
                    .until(
                            () -> admin.resources(ProcModule.class)
                                    .withName(NAME)
                                    .get()
                                    .getStatus(),
                            // An API error met before any status was stored is shown alone (no generation yet).
                            s -> s != null
                                    && Long.valueOf(lastGeneration).equals(s.getObservedGeneration())
                                    && s.getPhase() == Phase.Ready);
            assertThat(last.getVerifiedNodes()).isEqualTo(NODES.size());
            assertThat(last.getNodes()).extracting(NodeStatus::getNodeName).containsExactlyInAnyOrderElementsOf(NODES);
        }

        assertThat(stored).isNotEmpty().allSatisfy(StatusWritesOnApiServerTest::consistent);
        // The lock really fired: some writes were computed from a cache the other operator had made stale.
        int conflicts = statusConflicts() - conflictsBefore;
        System.out.printf("status writes: %d stored, %d refused with 409 and recomputed%n", stored.size(), conflicts);
        assertThat(conflicts).isPositive();

        admin.resources(ProcModule.class).withName(NAME).delete();
        await().atMost(STEP)
                .until(() -> admin.resources(ProcModule.class).withName(NAME).get() == null);
    }

    private static void consistent(ProcModuleStatus s) {
        List<String> names = s.getNodes().stream().map(NodeStatus::getNodeName).toList();
        assertThat(names).as("nodes listed once: %s", names).doesNotHaveDuplicates();
        if (s.getPhase() == Phase.Deleting) {
            return;
        }
        assertThat(names.size() + s.getUnlistedNodes())
                .as("listed + unlisted = desired in %s", names)
                .isEqualTo(s.getDesiredNodes());
        assertThat(s.getNodes().stream()
                        .filter(n -> n.getState() == NodeState.Verified)
                        .count())
                .as("verified count matches the list")
                .isEqualTo(s.getVerifiedNodes());
    }

    private int statusConflicts() {
        return (int) AuditLog.requestsBy(controlPlane.auditLog(), OperatorOnApiServerTest.OPERATOR_USER).stream()
                .filter(r -> "procmodules/status".equals(r.resource()) && r.code() == 409)
                .count();
    }
}
