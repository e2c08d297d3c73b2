package io.procmodule.e2e.scenarios;

import io.procmodule.e2e.cluster.Cluster;

/** Every node is reported Verified, and the bytes read on each node are exactly the sample's. */
public final class EveryNodeVerified implements Scenario {
    @Override
    public void run(Cluster cluster) {
        NodeChecks.everyNodeServes(cluster, Sample.applyAndAwaitReady(cluster));
    }
}
