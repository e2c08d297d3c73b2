package io.procmodule.e2e.kind;

import static org.junit.jupiter.api.Assertions.fail;

import io.procmodule.e2e.cluster.Cluster;
import io.procmodule.e2e.scenarios.ClusterScenarios;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The scenarios on the kind cluster of the current kubeconfig context. Runs only when asked for
 * ({@code hack/e2e-kind}, or {@code -Pkind-e2e}), because it loads kernel modules into the
 * host's kernel; otherwise, or when no usable cluster is there, every scenario is reported
 * skipped with the reason, which is also printed. With {@code -Dprocmodule.e2e.requireCluster=true}
 * (CI) an unusable cluster is a failure instead.
 */
class KindScenariosTest extends ClusterScenarios {
    private static KindCluster cluster;
    private static String skipReason;

    @BeforeAll
    static void connect() {
        if (!Boolean.getBoolean("procmodule.e2e.kind")) {
            skipReason = "not requested (run hack/e2e-kind, or mvn -pl e2e -am verify -Pkind-e2e)";
        } else {
            try {
                cluster = KindCluster.connect();
                System.err.println("kind e2e: running against kubeconfig context " + cluster.context());
                return;
            } catch (KindCluster.Unavailable e) {
                if (Boolean.getBoolean("procmodule.e2e.requireCluster")) {
                    fail("kind e2e: no usable cluster: " + e.getMessage());
                }
                skipReason = e.getMessage();
            }
        }
        System.err.println("kind e2e: SKIPPED: " + skipReason);
    }

    @BeforeEach
    void skipWithoutCluster() {
        Assumptions.assumeTrue(cluster != null, () -> "kind e2e skipped: " + skipReason);
    }

    @AfterAll
    static void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected Cluster cluster() {
        return cluster;
    }
}
