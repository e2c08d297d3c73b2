package io.procmodule.e2e.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import io.procmodule.operator.OperatorConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped ClusterRole and Role allow every API call the real operator makes, and grant
 * nothing it does not use. The calls are recorded from the operator running against the mock
 * API server through a realistic flow ({@link OperatorFlow}) and, for leader election, in a
 * separate JVM ({@link LeaderElectionFlow}), because JOSDK exits the JVM when leadership ends.
 */
class RbacCoverageTest {
  /** Allowed to every authenticated user by the default system:basic-user ClusterRole. */
  private static final Set<String> SELF_REVIEWS = Set.of("selfsubjectrulesreviews", "selfsubjectaccessreviews");

  private static Set<ApiAccess> used;
  private static List<RecordingApiServer.Call> calls;

  /**
   * JOSDK (LeaderElectionManager.checkLeaseAccess) refuses to start unless these lease verbs are
   * allowed, whether or not the lease lock then uses them; the leader-election run checks that
   * against the shipped Role.
   */
  private static final List<String> JOSDK_LEASE_PRECHECK = List.of("create", "update", "get");

  @BeforeAll
  static void recordTheOperator() throws Exception {
    calls = new ArrayList<>(OperatorFlow.record());
    calls.addAll(LeaderElectionFlow.recordInSeparateJvm());
    used = calls.stream()
        .flatMap(c -> ApiAccess.of(c.method(), c.path()).stream())
        .filter(a -> !(a.group().equals("authorization.k8s.io") && SELF_REVIEWS.contains(a.resource())))
        .collect(Collectors.toCollection(LinkedHashSet::new));
    if (OperatorConfig.fromEnv(DeploymentEnv.operatorEnv()).leaderElection()) {
      JOSDK_LEASE_PRECHECK.forEach(verb ->
          used.add(new ApiAccess("coordination.k8s.io", "leases", verb, OperatorFlow.NAMESPACE)));
    }
    System.err.println("rbac: the operator made " + calls.size() + " requests needing " + used.size()
        + " distinct permissions:\n  " + used.stream().map(ApiAccess::toString).sorted()
            .collect(Collectors.joining("\n  ")));
  }

  @Test
  void theRecordingCoversTheWholeFlow() {
    // Guards the recording itself: a flow that silently stopped early would make coverage vacuous.
    assertThat(used).extracting(ApiAccess::toString).contains(
        "watch procmodule.io/procmodules (cluster-wide)",
        "update procmodule.io/procmodules/status (cluster-wide)",
        "create apps/daemonsets in procmodule-system",
        "update apps/daemonsets in procmodule-system",
        "delete apps/daemonsets in procmodule-system",
        "create pods in procmodule-system",
        "patch nodes (cluster-wide)",
        "create events in procmodule-system",
        "patch coordination.k8s.io/leases in procmodule-system");
  }

  @Test
  void everyCallIsAllowed() {
    RbacRules rules = RbacRules.shipped();
    assertThat(used).as("operator requests the shipped RBAC does not allow")
        .allSatisfy(access -> assertThat(rules.allows(access)).as(access.toString()).isTrue());
  }

  @Test
  void everyGrantIsUsedInTheNarrowestScope() {
    RbacRules rules = RbacRules.shipped();
    for (RbacRules.Grant grant : rules.grants()) {
      Set<ApiAccess> usedBy = used.stream().filter(grant::allows).collect(Collectors.toSet());
      assertThat(usedBy).as("%s is never used by the operator", grant).isNotEmpty();
      if (grant.namespace() == null) {
        assertThat(usedBy).as("%s is used only inside %s: it belongs in the Role", grant, rules.namespace())
            .anyMatch(a -> a.namespace() == null || !a.namespace().equals(rules.namespace()));
      }
    }
  }

  @Test
  void ownerReferencesNeedNoFinalizersPermission() {
    // With blockOwnerDeletion=true the API server (OwnerReferencesPermissionEnforcement) would also
    // require "update procmodules/finalizers", which is then not granted.
    assertThat(calls).noneMatch(c -> c.body() != null && c.body().contains("\"blockOwnerDeletion\":true"));
  }

  @Test
  void noWildcardsAndNoSecrets() {
    assertThat(RbacRules.shipped().grants()).allSatisfy(g -> {
      assertThat(List.of(g.group(), g.resource(), g.verb())).doesNotContain("*");
      assertThat(g.resource()).isNotEqualTo("secrets");
    });
  }
}
