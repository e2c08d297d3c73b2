package io.procmodule.e2e.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.procmodule.e2e.RepoFiles;
import io.procmodule.e2e.controlplane.ControlPlane;
import io.procmodule.e2e.rbac.ApiAccess;
import io.procmodule.e2e.rbac.DeploymentEnv;
import io.procmodule.e2e.rbac.RbacRules;
import io.procmodule.e2e.scenarios.PrinterColumns;
import io.procmodule.e2e.scenarios.Sample;
import io.procmodule.operator.OperatorConfig;
import io.procmodule.operator.ProcModuleOperator;
import io.procmodule.operator.agent.AgentLabels;
import io.procmodule.operator.agent.DesiredUnloadPod;
import io.procmodule.operator.api.Phase;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;
import io.procmodule.operator.status.Mode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator, wired as production wires it and authenticated as its ServiceAccount, through the
 * sample's life on the real control plane: the real DaemonSet controller makes the agent pods, the
 * real scheduler places them, the real garbage collector cleans up; two kubelet stand-ins play the
 * nodes. Users' tools (kubectl apply, wait, get, delete) drive it. Ordered: one life, step by step.
 */
@ExtendWith(WithControlPlane.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorOnApiServerTest {
    static final String NAMESPACE = OperatorConfig.DEFAULT_NAMESPACE;
    static final String SERVICE_ACCOUNT = "procmodule-operator";
    static final String OPERATOR_USER = "system:serviceaccount:" + NAMESPACE + ":" + SERVICE_ACCOUNT;
    private static final List<String> NODES = List.of("node-a", "node-b");
    private static final String SELECT_LABEL = "e2e.procmodule.io/selected";
    private static final Duration STEP = Duration.ofSeconds(120);
    private static final Duration PROCESS_START = Duration.ofMinutes(5);
    /** The lease the shipped Deployment's replicas elect their leader with (ProcModuleOperator). */
    private static final String LEASE = "procmodule-operator";
    /** Allowed to every authenticated user by the default system:basic-user ClusterRole. */
    private static final Set<String> SELF_REVIEWS = Set.of("selfsubjectrulesreviews", "selfsubjectaccessreviews");

    private static final List<String> JOSDK_LEASE_PRECHECK = List.of("create", "update", "get");

    /**
     * JOSDK reads a ProcModule from the server only after its finalizer patch got a 409, which a
     * test cannot cause on demand here (ApiFaultsTest shows the read on the mock server; at 5,000
     * nodes x 20 resources the real API server refused it to the operator three times before it was
     * granted).
     */
    private static final ApiAccess JOSDK_FINALIZER_CONFLICT_REREAD =
            new ApiAccess("procmodule.io", "procmodules", "get", null);

    private static List<KubeletStandIn> kubelets;
    private static KubernetesClient operatorClient;
    private static Operator operator;
    private static PrometheusMeterRegistry metrics;

    private final ControlPlane controlPlane;
    private final KubernetesClient admin;

    OperatorOnApiServerTest(ControlPlane controlPlane) {
        this.controlPlane = controlPlane;
        this.admin = controlPlane.admin();
    }

    @BeforeAll
    static void startNodesAndOperator(ControlPlane controlPlane) {
        controlPlane.installDeploy();
        kubelets = List.of(
                KubeletStandIn.register(controlPlane, NODES.get(0), "6.1.0-56-amd64"),
                KubeletStandIn.register(controlPlane, NODES.get(1), "6.12.117+deb12-amd64"));
        startInProcessOperator(controlPlane);
    }

    /** As the shipped Deployment configures it, but without leader election: JOSDK exits the JVM when leadership ends. */
    private static void startInProcessOperator(ControlPlane controlPlane) {
        operatorClient = controlPlane.clientFor(NAMESPACE, SERVICE_ACCOUNT, "procmodule-operator-e2e");
        Map<String, String> env = new HashMap<>(DeploymentEnv.operatorEnv());
        env.put("LEADER_ELECTION", "false");
        env.put("RECHECK_INTERVAL", "PT1S");
        operator = ProcModuleOperator.create(
                operatorClient,
                OperatorConfig.fromEnv(env),
                metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        operator.start();
    }

    @AfterAll
    static void stopOperatorAndNodes() {
        stopInProcessOperator();
        if (kubelets != null) {
            kubelets.forEach(KubeletStandIn::close);
        }
    }

    private static void stopInProcessOperator() {
        if (operator != null) {
            operator.stop();
            operatorClient.close();
            operator = null;
        }
    }

    @Test
    @Order(1)
    void sampleBecomesReadyOnEveryNode() {
        controlPlane.kubectlOrThrow("apply", "-f", RepoFiles.path(Sample.PATH).toString());
        controlPlane.kubectlOrThrow(
                "wait", "--for=condition=Ready", "procmodule/" + Sample.NAME, "--timeout=" + STEP.toSeconds() + "s");

        ProcModule pm = admin.resources(ProcModule.class).withName(Sample.NAME).get();
        assertThat(pm.getStatus().getVerifiedNodes()).isEqualTo(NODES.size());
        // Made by the real DaemonSet controller, one per node, placed by the real scheduler.
        assertThat(agentPods())
                .allSatisfy(pod -> assertThat(pod.getMetadata().getOwnerReferences())
                        .anyMatch(o -> o.getKind().equals("DaemonSet") && Boolean.TRUE.equals(o.getController())))
                .extracting(pod -> pod.getSpec().getNodeName())
                .containsExactlyInAnyOrderElementsOf(NODES);
    }

    @Test
    @Order(2)
    void eventsAboutTheResourceAreRecorded() {
        String events = controlPlane.kubectlOrThrow(
                "get",
                "events",
                "--all-namespaces",
                "--field-selector=involvedObject.kind=ProcModule,involvedObject.name=" + Sample.NAME);
        assertThat(events).contains("NodeVerified");
        // What a user reads: the resource's own Events section.
        assertThat(controlPlane.kubectlOrThrow("describe", "procmodule", Sample.NAME))
                .contains("Events:")
                .contains("NodeVerified");
    }

    @Test
    @Order(3)
    void kubectlGetShowsThePrinterColumns() {
        List<List<String>> table = controlPlane
                .kubectlOrThrow("get", "procmodules")
                .lines()
                .map(line -> List.of(line.trim().split("\\s+")))
                .toList();
        assertThat(table.get(0)).isEqualTo(PrinterColumns.HEADER);
        ProcModule pm = admin.resources(ProcModule.class).withName(Sample.NAME).get();
        assertThat(table)
                .anySatisfy(row -> assertThat(row.subList(0, 4))
                        .containsExactly(
                                Sample.NAME, pm.getSpec().getEntryName(), NODES.size() + "/" + NODES.size(), "Ready"));
    }

    @Test
    @Order(3)
    void metricsNameNoResourceNodeMessageOrCredential() {
        ProcModule pm = admin.resources(ProcModule.class).withName(Sample.NAME).get();
        String scraped = metrics.scrape();
        assertThat(scraped).contains("operator_sdk");
        // The reconciler's own compute time, wall and CPU (hack/bench-scale reads them beside JOSDK's timer).
        for (String timer :
                List.of("procmodule_reconcile_compute_seconds", "procmodule_reconcile_compute_cpu_seconds")) {
            assertThat(scraped.lines()
                            .filter(l -> l.startsWith(timer + "_count"))
                            .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                            .sum())
                    .as("reconciles timed by " + timer)
                    .isGreaterThanOrEqualTo(1);
        }
        // /metrics is served without authentication to whoever reaches the pod.
        assertThat(scraped)
                .doesNotContain(
                        Sample.NAME, pm.getSpec().getEntryName(), pm.getSpec().getMessage())
                .doesNotContain(NODES)
                .doesNotContain(operatorClient.getConfiguration().getAutoOAuthToken());
    }

    @Test
    @Order(4)
    void messageChangeRollsOutThroughTheDaemonSetController() {
        admin.resources(ProcModule.class).withName(Sample.NAME).edit(pm -> {
            pm.getSpec().setMessage("Hello from the real API server!");
            return pm;
        });
        awaitReadyAtGeneration(2);
        DaemonSet ds = admin.apps()
                .daemonSets()
                .inNamespace(NAMESPACE)
                .withName(AgentLabels.daemonSetName(Sample.NAME))
                .get();
        String hash = ds.getSpec().getTemplate().getMetadata().getAnnotations().get(AgentLabels.CONFIG_HASH);
        await("every agent pod from the new template")
                .atMost(STEP)
                .until(() -> agentPods().stream()
                                .allMatch(p -> hash.equals(
                                        p.getMetadata().getAnnotations().get(AgentLabels.CONFIG_HASH)))
                        && agentPods().size() == NODES.size());
    }

    @Test
    @Order(5)
    void aNodeLeavingTheSelectionLosesItsPodAndIsUnloaded() {
        String kept = NODES.get(0);
        String leaving = NODES.get(1);
        NODES.forEach(node -> admin.nodes().withName(node).edit(n -> {
            n.getMetadata().getLabels().put(SELECT_LABEL, "yes");
            return n;
        }));
        ProcModule selecting = admin.resources(ProcModule.class)
                .withName(Sample.NAME)
                .edit(pm -> {
                    pm.getSpec().setNodeSelector(Map.of(SELECT_LABEL, "yes"));
                    return pm;
                });
        awaitReadyAtGeneration(selecting.getMetadata().getGeneration());
        Instant since = Instant.now();

        admin.nodes().withName(leaving).edit(n -> {
            n.getMetadata().getLabels().remove(SELECT_LABEL);
            return n;
        });

        String moduleLabel = AgentLabels.NODE_LABEL_PREFIX + Sample.NAME;
        await("unloaded from " + leaving)
                .atMost(STEP)
                .until(() -> !admin.nodes()
                        .withName(leaving)
                        .get()
                        .getMetadata()
                        .getLabels()
                        .containsKey(moduleLabel));
        // The label goes as soon as the node is unloaded; the status saying so is paced (up to 500 ms later)
        // and the pod's deletion is graceful, so both are awaited rather than read once.
        await("status and agent pods without " + leaving).atMost(STEP).untilAsserted(() -> {
            ProcModuleStatus status = admin.resources(ProcModule.class)
                    .withName(Sample.NAME)
                    .get()
                    .getStatus();
            assertThat(status.getDesiredNodes()).isEqualTo(1);
            assertThat(agentPods())
                    .extracting(pod -> pod.getSpec().getNodeName())
                    .containsExactly(kept);
        });
        assertThat(admin.nodes().withName(kept).get().getMetadata().getLabels()).containsKey(moduleLabel);
        assertThat(AuditLog.requestsBy(controlPlane.auditLog(), OPERATOR_USER))
                .as("the operator's unload pods since %s left the selection", leaving)
                .filteredOn(r -> r.received().isAfter(since)
                        && r.verb().equals("create")
                        && r.resource().equals("pods"))
                .extracting(AuditLog.Request::name)
                .containsExactly(DesiredUnloadPod.name(Sample.NAME, leaving));
    }

    @Test
    @Order(6)
    void deleteUnloadsFromEveryNodeAndNothingIsLeft() {
        controlPlane.kubectlOrThrow("delete", "procmodule", Sample.NAME, "--wait=false");
        controlPlane.kubectlOrThrow(
                "wait", "--for=delete", "procmodule/" + Sample.NAME, "--timeout=" + STEP.toSeconds() + "s");
        await("no DaemonSet and no pods of the sample")
                .atMost(STEP)
                .until(() -> admin.apps()
                                .daemonSets()
                                .inNamespace(NAMESPACE)
                                .withLabel(AgentLabels.INSTANCE, Sample.NAME)
                                .list()
                                .getItems()
                                .isEmpty()
                        && admin.pods()
                                .inNamespace(NAMESPACE)
                                .withLabel(AgentLabels.INSTANCE, Sample.NAME)
                                .list()
                                .getItems()
                                .isEmpty());
    }

    @Test
    @Order(7)
    void anOperatorRestartedMidDeletionFinishesItWithoutRepeatingUnloads() {
        controlPlane.kubectlOrThrow("apply", "-f", RepoFiles.path(Sample.PATH).toString());
        controlPlane.kubectlOrThrow(
                "wait", "--for=condition=Ready", "procmodule/" + Sample.NAME, "--timeout=" + STEP.toSeconds() + "s");
        Instant since = Instant.now();
        kubelets.forEach(k -> k.holdUnloads(true));
        try {
            controlPlane.kubectlOrThrow("delete", "procmodule", Sample.NAME, "--wait=false");
            await("an unload pod on every node")
                    .atMost(STEP)
                    .until(() -> admin.pods()
                                    .inNamespace(NAMESPACE)
                                    .withLabel(AgentLabels.COMPONENT, AgentLabels.COMPONENT_UNLOAD)
                                    .list()
                                    .getItems()
                                    .size()
                            == NODES.size());
            stopInProcessOperator();
            startInProcessOperator(controlPlane);
        } finally {
            kubelets.forEach(k -> k.holdUnloads(false));
        }
        controlPlane.kubectlOrThrow(
                "wait", "--for=delete", "procmodule/" + Sample.NAME, "--timeout=" + STEP.toSeconds() + "s");
        assertThat(AuditLog.requestsBy(controlPlane.auditLog(), OPERATOR_USER))
                .as("unload pods created by the operator before and after its restart")
                .filteredOn(r -> r.received().isAfter(since)
                        && r.verb().equals("create")
                        && r.resource().equals("pods")
                        && r.code() == 201)
                .extracting(AuditLog.Request::name)
                .containsExactlyInAnyOrderElementsOf(NODES.stream()
                        .map(n -> DesiredUnloadPod.name(Sample.NAME, n))
                        .toList());
    }

    @Test
    @Order(8)
    void aSpecOnlyTheOperatorCanJudgeIsRefusedOnTheResourceAndNothingIsCreated() {
        // Label-key syntax is not in the CRD (no CEL rule over map keys fits the cost budget).
        ProcModule invalid = Sample.resource("e2e-invalid", "invalid_entry", "x");
        invalid.getSpec().setNodeSelector(Map.of("bad key!", "x"));
        admin.resource(invalid).create();
        ProcModuleStatus status = awaitReadyReason("e2e-invalid", Mode.Blocked.INVALID_SPEC);
        assertThat(status.getPhase()).isEqualTo(Phase.Failed);
        assertThat(status.condition(ProcModuleStatus.CONDITION_READY)
                        .orElseThrow()
                        .getMessage())
                .contains("bad key!");
        assertThat(controlPlane.kubectlOrThrow("describe", "procmodule", "e2e-invalid"))
                .contains(Mode.Blocked.INVALID_SPEC);
        assertThat(daemonSetOf("e2e-invalid")).isNull();
        controlPlane.kubectlOrThrow("delete", "procmodule", "e2e-invalid", "--timeout=" + STEP.toSeconds() + "s");
    }

    @Test
    @Order(9)
    void aSecondResourceForTheSameModuleWaitsUntilTheFirstIsUnloaded() {
        admin.resource(Sample.resource("e2e-first", "shared_entry", "first")).create();
        awaitReady("e2e-first");
        admin.resource(Sample.resource("e2e-second", "shared_entry", "second")).create();
        ProcModuleStatus conflicted = awaitReadyReason("e2e-second", Mode.Blocked.CONFLICT);
        assertThat(conflicted
                        .condition(ProcModuleStatus.CONDITION_READY)
                        .orElseThrow()
                        .getMessage())
                .contains("ProcModule e2e-first");
        assertThat(daemonSetOf("e2e-second")).isNull();

        controlPlane.kubectlOrThrow("delete", "procmodule", "e2e-first", "--timeout=" + STEP.toSeconds() + "s");
        awaitReady("e2e-second");
        assertThat(daemonSetOf("e2e-second")).isNotNull();
        controlPlane.kubectlOrThrow("delete", "procmodule", "e2e-second", "--timeout=" + STEP.toSeconds() + "s");
    }

    @Test
    @Order(10)
    void anOperatorRestartedMidRolloutConvergesWithoutDuplicates() {
        Instant since = Instant.now();
        admin.resource(Sample.resource("e2e-restart", "restart_entry", "restart"))
                .create();
        await("the DaemonSet").atMost(STEP).until(() -> daemonSetOf("e2e-restart") != null);
        stopInProcessOperator();
        // The pods roll out while no operator watches.
        await("agent pods verified while the operator is down")
                .atMost(STEP)
                .until(() -> admin
                                .pods()
                                .inNamespace(NAMESPACE)
                                .withLabel(AgentLabels.INSTANCE, "e2e-restart")
                                .withLabel(AgentLabels.COMPONENT, AgentLabels.COMPONENT_AGENT)
                                .list()
                                .getItems()
                                .stream()
                                .filter(p -> p.getStatus() != null
                                        && "Running".equals(p.getStatus().getPhase()))
                                .count()
                        == NODES.size());
        startInProcessOperator(controlPlane);
        awaitReady("e2e-restart");
        assertThat(AuditLog.requestsBy(controlPlane.auditLog(), OPERATOR_USER))
                .as("DaemonSets created for e2e-restart before and after the restart")
                .filteredOn(r -> r.received().isAfter(since)
                        && r.verb().equals("create")
                        && r.resource().equals("daemonsets")
                        && r.code() == 201)
                .hasSize(1);
        controlPlane.kubectlOrThrow("delete", "procmodule", "e2e-restart", "--timeout=" + STEP.toSeconds() + "s");
    }

    @Test
    @Order(11)
    void aSecondOperatorTakesOverWhenTheLeaderDiesAndNothingIsDoneTwice() {
        stopInProcessOperator();
        Instant since = Instant.now();
        try (OperatorProcess first =
                OperatorProcess.start(controlPlane, "procmodule-operator-first", NAMESPACE, SERVICE_ACCOUNT)) {
            // A JVM start on a busy 2-core machine can take a minute before the election even begins.
            Lease lease = awaitLeader(first, PROCESS_START);
            try (OperatorProcess second =
                    OperatorProcess.start(controlPlane, "procmodule-operator-second", NAMESPACE, SERVICE_ACCOUNT)) {
                await("second operator up (log: " + second.log() + ")")
                        .atMost(PROCESS_START)
                        .until(second::serving);

                controlPlane.kubectlOrThrow(
                        "apply", "-f", RepoFiles.path(Sample.PATH).toString());
                controlPlane.kubectlOrThrow(
                        "wait",
                        "--for=condition=Ready",
                        "procmodule/" + Sample.NAME,
                        "--timeout=" + STEP.toSeconds() + "s");

                Instant killed = Instant.now();
                first.kill();
                int leaseSeconds = lease.getSpec().getLeaseDurationSeconds();
                // The lease runs out at most its duration after the last renewal; then the standby's next
                // attempt (every 2 s) takes it. The margin is for API latency on a loaded machine.
                awaitLeader(second, Duration.ofSeconds(leaseSeconds + 20L));
                System.err.printf(
                        "leader election: %s took over %.1f s after the leader was killed (lease %d s)%n",
                        second.podName(),
                        Duration.between(killed, Instant.now()).toMillis() / 1000.0,
                        leaseSeconds);

                admin.resources(ProcModule.class).withName(Sample.NAME).edit(pm -> {
                    pm.getSpec().setMessage("Hello from the new leader!");
                    return pm;
                });
                awaitReadyAtGeneration(2);
                controlPlane.kubectlOrThrow("delete", "procmodule", Sample.NAME, "--wait=false");
                controlPlane.kubectlOrThrow(
                        "wait", "--for=delete", "procmodule/" + Sample.NAME, "--timeout=" + STEP.toSeconds() + "s");

                // The kubelet's SIGTERM to the leader: it must end before the SIGKILL that follows the
                // grace period (JOSDK's exit on stop-leading deadlocked inside the shutdown hook).
                Duration grace = DeploymentEnv.terminationGracePeriod();
                Instant terminated = Instant.now();
                assertThat(second.terminate(grace))
                        .as("the leader ended within %s of SIGTERM (log: %s)", grace, second.log())
                        .isTrue();
                System.err.printf(
                        "leader election: the leader ended %.1f s after SIGTERM%n",
                        Duration.between(terminated, Instant.now()).toMillis() / 1000.0);
            }
        }
        List<AuditLog.Request> created = AuditLog.requestsBy(controlPlane.auditLog(), OPERATOR_USER).stream()
                .filter(r -> r.received().isAfter(since) && r.verb().equals("create") && r.code() == 201)
                .toList();
        assertThat(created)
                .as("DaemonSets the two operators created")
                .filteredOn(r -> r.resource().equals("daemonsets"))
                .hasSize(1);
        assertThat(created)
                .as("unload pods the two operators created")
                .filteredOn(r -> r.resource().equals("pods"))
                .hasSize(NODES.size());
    }

    @Test
    @Order(12)
    void theRealAuthorizerAllowedEveryCallTheOperatorMade() {
        List<AuditLog.Request> requests = AuditLog.requestsBy(controlPlane.auditLog(), OPERATOR_USER);
        assertThat(requests).as("requests by " + OPERATOR_USER).hasSizeGreaterThan(10);
        assertThat(requests).as("requests the shipped RBAC refused").noneMatch(AuditLog.Request::forbidden);
    }

    @Test
    @Order(13)
    void everyGrantOfTheShippedRbacWasUsedInItsNarrowestScope() {
        Set<ApiAccess> used = AuditLog.requestsBy(controlPlane.auditLog(), OPERATOR_USER).stream()
                .filter(r -> r.resource() != null && !SELF_REVIEWS.contains(r.resource()))
                .map(r -> new ApiAccess(r.group(), r.resource(), r.verb(), r.namespace()))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        // JOSDK refuses to start unless these lease verbs are allowed (a SelfSubjectRulesReview, which
        // every user may make), whether or not the lease lock then uses them.
        JOSDK_LEASE_PRECHECK.forEach(verb -> used.add(new ApiAccess("coordination.k8s.io", "leases", verb, NAMESPACE)));
        used.add(JOSDK_FINALIZER_CONFLICT_REREAD);
        System.err.println("rbac: the operator needed " + used.size() + " distinct permissions:\n  "
                + used.stream().map(ApiAccess::toString).sorted().collect(Collectors.joining("\n  ")));
        RbacRules rules = RbacRules.shipped();
        for (RbacRules.Grant grant : rules.grants()) {
            Set<ApiAccess> usedBy = used.stream().filter(grant::allows).collect(Collectors.toSet());
            assertThat(usedBy).as("%s is never used by the operator", grant).isNotEmpty();
            if (grant.namespace() == null) {
                assertThat(usedBy)
                        .as("%s is used only inside %s: it belongs in the Role", grant, rules.namespace())
                        .anyMatch(a -> a.namespace() == null || !a.namespace().equals(rules.namespace()));
            }
        }
    }

    private Lease awaitLeader(OperatorProcess operator, Duration timeout) {
        return await(operator.podName() + " leads (log: " + operator.log() + ")")
                .atMost(timeout)
                .until(
                        () -> admin.leases()
                                .inNamespace(NAMESPACE)
                                .withName(LEASE)
                                .get(),
                        l -> l != null && operator.podName().equals(l.getSpec().getHolderIdentity()));
    }

    private void awaitReady(String name) {
        controlPlane.kubectlOrThrow(
                "wait", "--for=condition=Ready", "procmodule/" + name, "--timeout=" + STEP.toSeconds() + "s");
    }

    private ProcModuleStatus awaitReadyReason(String name, String reason) {
        return await(reason + " on " + name)
                .atMost(STEP)
                .until(
                        () -> admin.resources(ProcModule.class)
                                .withName(name)
                                .get()
                                .getStatus(),
                        s -> s != null
                                && s.condition(ProcModuleStatus.CONDITION_READY)
                                        .map(c -> reason.equals(c.getReason()))
                                        .orElse(false));
    }

    private DaemonSet daemonSetOf(String name) {
        return admin.apps()
                .daemonSets()
                .inNamespace(NAMESPACE)
                .withName(AgentLabels.daemonSetName(name))
                .get();
    }

    private void awaitReadyAtGeneration(long generation) {
        await("Ready at generation " + generation).atMost(STEP).until(() -> {
            ProcModuleStatus status = admin.resources(ProcModule.class)
                    .withName(Sample.NAME)
                    .get()
                    .getStatus();
            return status != null
                    && Long.valueOf(generation).equals(status.getObservedGeneration())
                    && status.condition(ProcModuleStatus.CONDITION_READY)
                            .map(c -> "True".equals(c.getStatus()))
                            .orElse(false);
        });
    }

    private List<Pod> agentPods() {
        return admin.pods()
                .inNamespace(NAMESPACE)
                .withLabel(AgentLabels.INSTANCE, Sample.NAME)
                .withLabel(AgentLabels.COMPONENT, AgentLabels.COMPONENT_AGENT)
                .list()
                .getItems();
    }
}
