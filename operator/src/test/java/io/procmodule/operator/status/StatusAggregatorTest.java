package io.procmodule.operator.status;

import static io.procmodule.operator.testing.TestNodes.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.procmodule.operator.api.NodeState;
import io.procmodule.operator.api.NodeStatus;
import io.procmodule.operator.api.Phase;
import io.procmodule.operator.api.ProcModuleStatus;
import io.procmodule.operator.testing.PodStatuses;
import io.procmodule.operator.testing.TestPods;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {
    static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
    static final String HASH = "current";

    static Pod agent(String node, String hash, PodStatus status) {
        return TestPods.agent("agent-" + node, node, hash, status).build();
    }

    static Pod unload(String node, PodStatus status) {
        return TestPods.onNode("unload-" + node, node, status).build();
    }

    static StatusInput input(
            ProcModuleStatus previous,
            List<Node> desired,
            List<Pod> pods,
            List<Node> unloading,
            List<Pod> unloadPods,
            Instant now) {
        return new StatusInput(
                Mode.APPLYING,
                new StatusInput.Resource(1, previous, "hello_world", "hello_proc"),
                NodeBoard.agents(desired, pods, HASH, previous == null ? List.of() : previous.getNodes()),
                NodeBoard.unloads(unloading, unloadPods),
                now);
    }

    static Map<String, NodeStatus> byNode(ProcModuleStatus s) {
        return s.getNodes().stream().collect(Collectors.toMap(NodeStatus::getNodeName, n -> n));
    }

    @Test
    void readsEveryPerNodeState() {
        List<Node> desired =
                IntStream.rangeClosed(1, 9).mapToObj(i -> node("n" + i, "6.1")).toList();
        PodStatus imagePull = PodStatuses.agentPending();
        imagePull
                .getInitContainerStatuses()
                .get(0)
                .setState(new ContainerStateBuilder()
                        .withNewWaiting()
                        .withReason("ImagePullBackOff")
                        .withMessage("Back-off pulling image")
                        .endWaiting()
                        .build());
        List<Pod> pods = List.of(
                agent("n2", "older", PodStatuses.agentVerified("Loaded")),
                agent("n3", HASH, PodStatuses.agentBuilding()),
                agent("n4", HASH, PodStatuses.agentLoading()),
                agent("n5", HASH, PodStatuses.agentVerifying()),
                agent("n6", HASH, PodStatuses.agentVerified("Adopted")),
                agent("n7", HASH, PodStatuses.agentBuildFailed("HeadersMissing", "install linux-headers-6.1")),
                agent("n8", HASH, PodStatuses.agentVerifyFailed("VerifyMismatch", "read 'x', expected 'Hello'")),
                agent("n9", HASH, imagePull));
        List<Node> unloading = List.of(node("u1", "6.1"), node("u2", "6.1"), node("u3", "6.1"));
        List<Pod> unloadPods = List.of(
                unload("u2", PodStatuses.unloadFailing("UnloadFailed", "in use")),
                unload("u3", PodStatuses.unloadSucceeded("NotLoaded")));

        ProcModuleStatus s = StatusAggregator.aggregate(input(null, desired, pods, unloading, unloadPods, T0));
        Map<String, NodeStatus> n = byNode(s);

        assertThat(n.get("n1"))
                .extracting(NodeStatus::getState, NodeStatus::getReason)
                .containsExactly(NodeState.Pending, "NoPod");
        assertThat(n.get("n2"))
                .extracting(NodeStatus::getState, NodeStatus::getReason)
                .containsExactly(NodeState.Pending, "Outdated");
        assertThat(n.get("n3").getState()).isEqualTo(NodeState.Building);
        assertThat(n.get("n4").getState()).isEqualTo(NodeState.Loading);
        assertThat(n.get("n5").getState()).isEqualTo(NodeState.Verifying);
        assertThat(n.get("n6"))
                .extracting(NodeStatus::getState, NodeStatus::getReason, NodeStatus::getKernelRelease)
                .containsExactly(NodeState.Verified, "Adopted", "6.1");
        assertThat(n.get("n7"))
                .extracting(NodeStatus::getState, NodeStatus::getReason, NodeStatus::getMessage)
                .containsExactly(NodeState.Failed, "HeadersMissing", "install linux-headers-6.1");
        assertThat(n.get("n8"))
                .extracting(NodeStatus::getState, NodeStatus::getReason)
                .containsExactly(NodeState.Failed, "VerifyMismatch");
        assertThat(n.get("n9"))
                .extracting(NodeStatus::getState, NodeStatus::getReason)
                .containsExactly(NodeState.Failed, "ImagePullBackOff");
        assertThat(n.get("u1"))
                .extracting(NodeStatus::getState, NodeStatus::getReason)
                .containsExactly(NodeState.Unloading, "Unloading");
        assertThat(n.get("u2"))
                .extracting(NodeStatus::getState, NodeStatus::getReason)
                .containsExactly(NodeState.Unloading, "UnloadFailed");
        assertThat(n.get("u3"))
                .extracting(NodeStatus::getState, NodeStatus::getReason)
                .containsExactly(NodeState.Unloaded, "NotLoaded");

        assertThat(s.getDesiredNodes()).isEqualTo(9);
        assertThat(s.getVerifiedNodes()).isEqualTo(1);
        assertThat(s.getFailedNodes()).isEqualTo(3);
        assertThat(s.getUnloadingNodes()).isEqualTo(2);
        assertThat(s.getReady()).isEqualTo("1/9");
        assertThat(s.getPhase()).isEqualTo(Phase.Degraded);
        assertThat(s.getNodes().get(0).getState()).as("failures listed first").isEqualTo(NodeState.Failed);
        assertThat(s.getNodes().get(s.getNodes().size() - 1).getState()).isEqualTo(NodeState.Verified);
        assertThat(s.condition("Degraded").orElseThrow().getMessage())
                .isEqualTo("3 node(s) failed: n7 (HeadersMissing), n8 (VerifyMismatch), n9 (ImagePullBackOff)");
        assertThat(s.condition("Progressing").orElseThrow())
                .extracting(c -> c.getStatus(), c -> c.getReason())
                .containsExactly("True", "RollingOut");
        assertThat(s.getObservedGeneration()).isEqualTo(1L);
    }

    @Test
    void aContainerLostToANodeRebootIsNoFailure() {
        PodStatus afterReboot = PodStatuses.agentBuilding();
        afterReboot
                .getContainerStatuses()
                .get(0)
                .setLastState(new ContainerStateBuilder()
                        .withNewTerminated()
                        .withExitCode(255)
                        .withReason("Unknown")
                        .endTerminated()
                        .build());
        PodStatus crashed = PodStatuses.agentBuilding();
        crashed.getContainerStatuses()
                .get(0)
                .setLastState(new ContainerStateBuilder()
                        .withNewTerminated()
                        .withExitCode(1)
                        .withReason("Error")
                        .withMessage("VerifyMismatch\nread 'x'")
                        .endTerminated()
                        .build());

        Map<String, NodeStatus> n = byNode(StatusAggregator.aggregate(input(
                null,
                List.of(node("rebooted", "6.12"), node("crashed", "6.12")),
                List.of(agent("rebooted", HASH, afterReboot), agent("crashed", HASH, crashed)),
                List.of(),
                List.of(),
                T0)));

        assertThat(n.get("rebooted").getState()).isEqualTo(NodeState.Building);
        assertThat(n.get("crashed"))
                .extracting(NodeStatus::getState, NodeStatus::getReason)
                .containsExactly(NodeState.Failed, "VerifyMismatch");
    }

    @Test
    void aFailureTheKubeletNoLongerReportsStaysShownWhileItsContainerIsRetried() {
        List<Node> desired = List.of(node("a", "6.1"), node("b", "6.1"));
        ProcModuleStatus failed = StatusAggregator.aggregate(input(
                null,
                desired,
                List.of(
                        agent("a", HASH, PodStatuses.agentBuildFailed("HeadersMissing", "install linux-headers-6.1")),
                        agent("b", HASH, PodStatuses.agentBuilding())),
                List.of(),
                List.of(),
                T0));
        assertThat(byNode(failed).get("a").getState()).isEqualTo(NodeState.Failed);

        // As a real kubelet reports the next attempt: running again, restarted, no last termination.
        PodStatus retrying = PodStatuses.agentBuilding();
        retrying.getInitContainerStatuses().get(0).setRestartCount(4);
        PodStatus buildingAfterARestart = PodStatuses.agentBuilding();
        buildingAfterARestart.getInitContainerStatuses().get(0).setRestartCount(1);
        ProcModuleStatus duringRetry = StatusAggregator.aggregate(input(
                failed,
                desired,
                List.of(agent("a", HASH, retrying), agent("b", HASH, buildingAfterARestart)),
                List.of(),
                List.of(),
                T0.plusSeconds(40)));
        assertThat(byNode(duringRetry).get("a"))
                .extracting(NodeStatus::getState, NodeStatus::getReason, NodeStatus::getLastTransitionTime)
                .containsExactly(NodeState.Failed, "HeadersMissing", T0.toString());
        assertThat(byNode(duringRetry).get("b").getState())
                .as("a node that had not failed is not held")
                .isEqualTo(NodeState.Building);
        assertThat(StatusAggregator.same(failed, duringRetry))
                .as("nothing to write while the kubelet retries")
                .isTrue();

        ProcModuleStatus fixed = StatusAggregator.aggregate(input(
                duringRetry,
                desired,
                List.of(agent("a", HASH, PodStatuses.agentVerified("Loaded")), agent("b", HASH, retrying)),
                List.of(),
                List.of(),
                T0.plusSeconds(80)));
        assertThat(byNode(fixed).get("a").getState())
                .as("the retry that succeeds ends the failure")
                .isEqualTo(NodeState.Verified);

        ProcModuleStatus replaced = StatusAggregator.aggregate(input(
                failed,
                desired,
                List.of(agent("a", HASH, PodStatuses.agentBuilding()), agent("b", HASH, retrying)),
                List.of(),
                List.of(),
                T0.plusSeconds(80)));
        assertThat(byNode(replaced).get("a").getState())
                .as("a fresh pod (no restart) is a new attempt")
                .isEqualTo(NodeState.Building);
    }

    @Test
    void terminationMessagesSplitIntoReasonAndMessage() {
        assertThat(TerminationMessage.parse("HeadersMissing\nline one\nline two\n", "F", "fallback"))
                .isEqualTo(new TerminationMessage("HeadersMissing", "line one\nline two"));
        assertThat(TerminationMessage.parse("Loaded", "F", "fallback"))
                .isEqualTo(new TerminationMessage("Loaded", "fallback"));
        assertThat(TerminationMessage.parse("segfault at 0x0\nmore", "ContainerFailed", "x"))
                .isEqualTo(new TerminationMessage("ContainerFailed", "segfault at 0x0\nmore"));
        assertThat(TerminationMessage.parse(null, "ContainerFailed", "exit 1"))
                .isEqualTo(new TerminationMessage("ContainerFailed", "exit 1"));
    }

    @Test
    void allVerifiedIsReadyAndTransitionTimesSurviveUnchangedConditions() {
        List<Node> desired = List.of(node("a", "6.1"), node("b", "6.12"));
        List<Pod> building = List.of(
                agent("a", HASH, PodStatuses.agentBuilding()), agent("b", HASH, PodStatuses.agentVerified("Loaded")));
        ProcModuleStatus first = StatusAggregator.aggregate(input(null, desired, building, List.of(), List.of(), T0));
        assertThat(first.getPhase()).isEqualTo(Phase.Progressing);
        assertThat(first.condition("Ready").orElseThrow().getStatus()).isEqualTo("False");

        Instant t1 = T0.plusSeconds(60);
        List<Pod> verified = List.of(
                agent("a", HASH, PodStatuses.agentVerified("Loaded")),
                agent("b", HASH, PodStatuses.agentVerified("Loaded")));
        ProcModuleStatus ready = StatusAggregator.aggregate(input(first, desired, verified, List.of(), List.of(), t1));
        assertThat(ready.getPhase()).isEqualTo(Phase.Ready);
        assertThat(ready.getReady()).isEqualTo("2/2");
        assertThat(ready.condition("Ready").orElseThrow())
                .extracting(c -> c.getStatus(), c -> c.getReason(), c -> c.getLastTransitionTime())
                .containsExactly("True", "AllNodesVerified", t1.toString());
        assertThat(ready.condition("Degraded").orElseThrow().getLastTransitionTime())
                .as("Degraded stayed False")
                .isEqualTo(T0.toString());
        assertThat(byNode(ready).get("b").getLastTransitionTime())
                .as("b stayed Verified")
                .isEqualTo(T0.toString());
        assertThat(byNode(ready).get("a").getLastTransitionTime()).isEqualTo(t1.toString());
        assertThat(ready.getKernels())
                .extracting(k -> k.getKernelRelease() + ":" + k.getVerified() + "/" + k.getNodes())
                .containsExactly("6.1:1/1", "6.12:1/1");

        ProcModuleStatus again =
                StatusAggregator.aggregate(input(ready, desired, verified, List.of(), List.of(), t1.plusSeconds(600)));
        assertThat(StatusAggregator.same(ready, again))
                .as("nothing changed: nothing to write")
                .isTrue();
        assertThat(StatusAggregator.same(first, ready)).isFalse();
    }

    @Test
    void noSelectedNodeIsVisibleAndNotReady() {
        ProcModuleStatus s = StatusAggregator.aggregate(input(null, List.of(), List.of(), List.of(), List.of(), T0));
        assertThat(s.getReady()).isEqualTo("0/0");
        assertThat(s.getPhase()).isEqualTo(Phase.NoMatchingNodes);
        Condition ready = s.condition("Ready").orElseThrow();
        assertThat(ready.getStatus())
                .as("a typo in nodeSelector must not pass kubectl wait --for=condition=Ready")
                .isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("NoMatchingNodes");
        assertThat(ready.getMessage()).contains("no node matches");
        assertThat(s.condition("Progressing").orElseThrow().getStatus()).isEqualTo("False");
        assertThat(s.condition("Degraded").orElseThrow().getStatus()).isEqualTo("False");
    }

    @Test
    void blockedResourceFailsWithTheBlockerAsReason() {
        StatusInput in = new StatusInput(
                Mode.Blocked.conflict("ProcModule first already loads it"),
                new StatusInput.Resource(3, null, null, null),
                NodeBoard.agents(List.of(node("a", "6.1")), List.of(), HASH, List.of()),
                new NodeBoard(),
                T0);
        ProcModuleStatus s = StatusAggregator.aggregate(in);
        assertThat(s.getPhase()).isEqualTo(Phase.Failed);
        assertThat(s.getNodes()).isEmpty();
        assertThat(s.getReady()).isEqualTo("0/0");
        assertThat(s.getConditions())
                .extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
                .containsExactly("Ready=False/Conflict", "Progressing=False/Conflict", "Degraded=True/Conflict");
        assertThat(s.getConditions())
                .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(3L));
    }

    @Test
    void deletingShowsTheUnloads() {
        StatusInput in = new StatusInput(
                Mode.DELETING,
                new StatusInput.Resource(1, null, "hello_world", "hello_proc"),
                new NodeBoard(),
                NodeBoard.unloads(List.of(node("a", "6.1")), List.of(unload("a", PodStatuses.unloadRunning()))),
                T0);
        ProcModuleStatus s = StatusAggregator.aggregate(in);
        assertThat(s.getPhase()).isEqualTo(Phase.Deleting);
        assertThat(s.getUnloadingNodes()).isEqualTo(1);
        assertThat(s.condition("Progressing").orElseThrow().getReason()).isEqualTo("Unloading");
    }

    @Test
    void listingIsByStateThenNameWhateverOrderNodesArriveIn() {
        List<Node> desired = List.of(node("c", "6.1"), node("a", "6.1"), node("b", "6.1"));
        List<Pod> pods = List.of(
                agent("c", HASH, PodStatuses.agentBuildFailed("HeadersMissing", "install linux-headers-6.1")),
                agent("a", HASH, PodStatuses.agentVerifyFailed("VerifyMismatch", "read 'x'")),
                agent("b", HASH, PodStatuses.agentVerified("Loaded")));
        List<Node> unloading = List.of(node("z", "6.1"), node("y", "6.1"));

        ProcModuleStatus s = StatusAggregator.aggregate(input(null, desired, pods, unloading, List.of(), T0));

        assertThat(s.getNodes()).extracting(NodeStatus::getNodeName).containsExactly("a", "c", "y", "z", "b");
        assertThat(s.condition("Degraded").orElseThrow().getMessage())
                .isEqualTo("2 node(s) failed: a (VerifyMismatch), c (HeadersMissing)");
    }

    @Test
    void statusForFiveThousandNodesStaysSmall() {
        List<Node> desired = new ArrayList<>();
        List<Pod> pods = new ArrayList<>();
        String longMessage = "x".repeat(4000);
        for (int i = 0; i < 5000; i++) {
            String name = "worker-node-with-a-long-name-" + i + ".compute.internal.example.com";
            desired.add(node(name, "6.1.0-" + (i % 40) + "-amd64"));
            pods.add(agent(
                    name,
                    HASH,
                    i % 10 == 0
                            ? PodStatuses.agentBuildFailed("BuildFailed", longMessage)
                            : PodStatuses.agentVerified("Loaded")));
        }
        ProcModuleStatus s = StatusAggregator.aggregate(input(null, desired, pods, List.of(), List.of(), T0));
        int bytes = new KubernetesSerialization().asJson(s).getBytes(StandardCharsets.UTF_8).length;
        System.out.printf("status for 5000 nodes: %d bytes JSON%n", bytes);

        assertThat(bytes).isLessThan(50 * 1024);
        assertThat(s.getNodes()).hasSize(StatusAggregator.MAX_LISTED_NODES);
        assertThat(s.getNodes()).allSatisfy(n -> assertThat(n.getState()).isEqualTo(NodeState.Failed));
        assertThat(s.getNodes()).allSatisfy(n -> assertThat(n.getMessage()).hasSizeLessThanOrEqualTo(256));
        assertThat(s.getUnlistedNodes()).isEqualTo(5000 - StatusAggregator.MAX_LISTED_NODES);
        assertThat(s.getReady()).isEqualTo("4500/5000");
        assertThat(s.getFailedNodes()).isEqualTo(500);
        assertThat(s.getKernels()).hasSize(StatusAggregator.MAX_LISTED_KERNELS);
        assertThat(s.condition("Degraded").orElseThrow().getMessage()).endsWith("and 497 more");
    }
}
