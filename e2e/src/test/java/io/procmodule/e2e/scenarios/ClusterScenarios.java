package io.procmodule.e2e.scenarios;

import io.procmodule.e2e.cluster.Cluster;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The end-to-end scenarios as a JUnit suite; a subclass supplies the cluster (kind, simulated).
 * Ordered only so the sample's first (slow) build happens in the first scenario; each scenario
 * sets up what it needs itself.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class ClusterScenarios {

    protected abstract Cluster cluster();

    @Test
    @Order(1)
    void sampleBecomesReady() {
        new SampleBecomesReady().run(cluster());
    }

    @Test
    @Order(2)
    void everyNodeVerifiedWithTheBytesReadOnTheNode() {
        new EveryNodeVerified().run(cluster());
    }

    @Test
    @Order(3)
    void kubectlGetShowsThePrinterColumns() {
        new PrinterColumns().run(cluster());
    }

    @Test
    @Order(4)
    void messageChangeRollsOutAndIsVerified() {
        new MessageChangeRollsOut().run(cluster());
    }

    @Test
    @Order(5)
    void invalidResourceIsRejectedByTheApiServer() {
        new InvalidResourceRejected().run(cluster());
    }

    @Test
    @Order(6)
    void secondResourceWithTheSameEntryGetsConflict() {
        new SameEntryConflict().run(cluster());
    }

    @Test
    @Order(7)
    void deleteUnloadsFromEveryNode() {
        new DeleteUnloads().run(cluster());
    }
}
