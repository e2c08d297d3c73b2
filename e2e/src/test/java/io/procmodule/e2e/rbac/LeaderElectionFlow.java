package io.procmodule.e2e.rbac;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.procmodule.e2e.RepoFiles;
import io.procmodule.operator.OperatorConfig;
import io.procmodule.operator.ProcModuleOperator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The operator configured exactly as the shipped Deployment configures it (leader election on)
 * until it has acquired and renewed its lease. Runs as its own JVM: ending
 * leadership makes JOSDK call System.exit, so this process ends with halt() instead of a stop.
 */
final class LeaderElectionFlow {
  private static final String PREFIX = "CALL\t";

  private LeaderElectionFlow() {}

  public static void main(String[] args) throws Exception {
    RecordingApiServer api = RecordingApiServer.start();
    KubernetesClient operatorClient = api.operatorClient();
    // The mock has no authorizer: JOSDK's lease-permission check is answered with the shipped Role.
    api.server().expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, reviewGrantingTheShippedRole()).always();
    OperatorConfig config = OperatorConfig.fromEnv(DeploymentEnv.operatorEnv());
    if (!config.leaderElection()) {
      Runtime.getRuntime().halt(0); // nothing to record: the Deployment does not elect a leader
    }
    Operator operator = ProcModuleOperator.create(operatorClient, config, new SimpleMeterRegistry());
    operator.start();
    await("lease acquired and renewed").atMost(Duration.ofSeconds(60)).until(() -> {
      Lease lease = api.client().leases().inNamespace(OperatorFlow.NAMESPACE).list().getItems().stream()
          .findFirst().orElse(null);
      return lease != null && !Objects.equals(lease.getSpec().getAcquireTime(), lease.getSpec().getRenewTime());
    });
    for (RecordingApiServer.Call call : api.operatorCalls()) {
      System.out.println(PREFIX + call.method() + "\t" + call.path());
    }
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }

  private static SelfSubjectRulesReview reviewGrantingTheShippedRole() {
    Role role = new KubernetesSerialization().unmarshal(RepoFiles.read(RbacRules.ROLE), Role.class);
    return new SelfSubjectRulesReviewBuilder()
        .withNewStatus().withIncomplete(false)
            .withResourceRules(role.getRules().stream().map(r -> new ResourceRuleBuilder()
                .withApiGroups(r.getApiGroups()).withResources(r.getResources()).withVerbs(r.getVerbs()).build())
                .toList())
        .endStatus()
        .build();
  }

  /** Runs {@link #main} in a child JVM with this JVM's classpath and returns its recorded calls. */
  static List<RecordingApiServer.Call> recordInSeparateJvm() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "-Dprocmodule.repoRoot=" + RepoFiles.root(), LeaderElectionFlow.class.getName())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    List<RecordingApiServer.Call> calls = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith(PREFIX)) {
          String[] parts = line.split("\t", 3);
          calls.add(new RecordingApiServer.Call(parts[1], parts[2], null));
        }
      }
    }
    if (child.waitFor() != 0) {
      throw new IllegalStateException("leader-election run failed with exit code " + child.exitValue());
    }
    return calls;
  }
}
