package io.procmodule.e2e.rbac;

import static org.awaitility.Awaitility.await;

import org.awaitility.core.ConditionTimeoutException;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.procmodule.e2e.scenarios.Sample;
import io.procmodule.operator.OperatorConfig;
import io.procmodule.operator.ProcModuleOperator;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;
import io.procmodule.operator.daemonset.AgentLabels;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The production operator ({@link ProcModuleOperator#create}) through a realistic life of the
 * sample on the mock API server: create, agent pods verified on two nodes, message change rolled
 * out, delete with every unload confirmed. Returns every request the operator made.
 */
final class OperatorFlow {
  static final String NAMESPACE = OperatorConfig.DEFAULT_NAMESPACE;
  private static final Duration STEP = Duration.ofSeconds(60);

  private OperatorFlow() {}

  static List<RecordingApiServer.Call> record() throws InterruptedException {
    try (RecordingApiServer api = RecordingApiServer.start();
        KubernetesClient operatorClient = api.operatorClient()) {
      KubernetesClient client = api.client();
      NodeStandIn cluster = new NodeStandIn(client, NAMESPACE);
      cluster.addNode("node-a", "6.1.0-56-amd64");
      cluster.addNode("node-b", "6.12.117+deb12-amd64");
      // As the Deployment configures it, but without leader election: ending leadership exits the
      // JVM (LeaderElectionFlow records that part in its own JVM).
      Map<String, String> env = new HashMap<>(DeploymentEnv.operatorEnv());
      env.put("LEADER_ELECTION", "false");
      Operator operator = ProcModuleOperator.create(operatorClient,
          OperatorConfig.fromEnv(env).withRecheckInterval(Duration.ofMillis(200)), new SimpleMeterRegistry());
      operator.start();
      try {
        client.resource(Sample.fromFile()).create();
        awaitReadyAt(client, cluster, 1);

        client.resources(ProcModule.class).withName(Sample.NAME).edit(pm -> {
          pm.getSpec().setMessage("Hello again!");
          return pm;
        });
        awaitReadyAt(client, cluster, 2);

        client.resources(ProcModule.class).withName(Sample.NAME).delete();
        await("unload confirmed and finalizer removed").atMost(STEP).until(() -> {
          cluster.completeUnloads();
          return client.resources(ProcModule.class).withName(Sample.NAME).get() == null;
        });
      } finally {
        operator.stop();
      }
      return api.operatorCalls();
    }
  }

  /** Plays DaemonSet controller and kubelet until the sample is Ready for {@code generation}. */
  private static void awaitReadyAt(KubernetesClient client, NodeStandIn cluster, long generation) {
    try {
      pollUntilReadyAt(client, cluster, generation);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("not Ready at generation " + generation + "; resource: "
          + client.getKubernetesSerialization().asYaml(client.resources(ProcModule.class).withName(Sample.NAME).get())
          + "agent pods: " + client.getKubernetesSerialization().asYaml(cluster.pods(AgentLabels.COMPONENT_AGENT)), e);
    }
  }

  private static void pollUntilReadyAt(KubernetesClient client, NodeStandIn cluster, long generation) {
    await("Ready at generation " + generation).atMost(STEP).until(() -> {
      DaemonSet ds = client.apps().daemonSets().inNamespace(NAMESPACE)
          .withName(AgentLabels.daemonSetName(Sample.NAME)).get();
      if (ds != null) {
        cluster.runAgents(ds);
      }
      ProcModule pm = client.resources(ProcModule.class).withName(Sample.NAME).get();
      ProcModuleStatus status = pm.getStatus();
      return status != null && Long.valueOf(generation).equals(status.getObservedGeneration())
          && status.condition(ProcModuleStatus.CONDITION_READY).map(c -> "True".equals(c.getStatus())).orElse(false);
    });
  }
}
