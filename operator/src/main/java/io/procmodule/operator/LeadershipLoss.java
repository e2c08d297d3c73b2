package io.procmodule.operator;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the process when leadership is lost, as JOSDK does by default, except while the JVM is
 * already shutting down. JOSDK 5.2.3 calls {@code System.exit} from the stop-leading callback that
 * its own {@code Operator.stop()} triggers; called from our SIGTERM shutdown hook, that exit waits
 * for the shutdown the hook itself holds up, so a terminated pod hung until the kubelet killed it
 * (java-operator-sdk#1614 and #3376, fixed after 5.2.3).
 */
final class LeadershipLoss {
    private static final Logger LOG = LoggerFactory.getLogger(LeadershipLoss.class);

    private LeadershipLoss() {}

    /** Callbacks for a configuration whose JOSDK exit on stop-leading is switched off. */
    static LeaderCallbacks exitUnlessShuttingDown() {
        return new LeaderCallbacks(() -> {}, LeadershipLoss::stoppedLeading, leader -> {});
    }

    private static void stoppedLeading() {
        if (shuttingDown()) {
            LOG.info("stopped leading: the process is stopping");
            return;
        }
        // Another replica may lead already: reconciling on would make two writers.
        LOG.info("lost leadership: exiting");
        System.exit(1);
    }

    /** The JVM refuses new shutdown hooks once its shutdown has begun. */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> {});
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
