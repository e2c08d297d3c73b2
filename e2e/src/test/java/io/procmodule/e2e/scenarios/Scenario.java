package io.procmodule.e2e.scenarios;

import io.procmodule.e2e.cluster.Cluster;

/** One end-to-end scenario, written against {@link Cluster} only. */
public interface Scenario {
    void run(Cluster cluster);
}
