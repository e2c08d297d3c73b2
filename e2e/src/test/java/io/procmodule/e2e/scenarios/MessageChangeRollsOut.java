package io.procmodule.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.procmodule.e2e.cluster.Cluster;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;

/**
 * Changing the sample's message reloads the module everywhere and the new bytes are verified on each
 * node; the sample's own message is rolled back after. On the sample, so the module is already in
 * every node's cache: the scenario measures the rollout, not another cold build.
 */
public final class MessageChangeRollsOut implements Scenario {
    private static final String NAME = Sample.NAME;

    @Override
    public void run(Cluster cluster) {
        long generation = Sample.applyAndAwaitReady(cluster).getMetadata().getGeneration();
        try {
            ProcModule changed = Sample.fromFile();
            changed.getSpec().setMessage("second message, rolled out");
            cluster.apply(changed);
            ProcModule rolledOut = awaitReadyAt(cluster, generation + 1);
            assertThat(rolledOut.getSpec().getMessage())
                    .isEqualTo(changed.getSpec().getMessage());
            NodeChecks.everyNodeServes(cluster, rolledOut);
        } finally {
            long restored = cluster.apply(Sample.fromFile()).getMetadata().getGeneration();
            NodeChecks.everyNodeServes(cluster, awaitReadyAt(cluster, restored));
        }
    }

    /** Ready for the given generation: a Ready of the previous generation proves nothing. */
    private static ProcModule awaitReadyAt(Cluster cluster, long generation) {
        return cluster.await(
                NAME,
                pm -> pm.getStatus() != null
                        && Long.valueOf(generation).equals(pm.getStatus().getObservedGeneration())
                        && Cluster.condition(pm, ProcModuleStatus.CONDITION_READY)
                                .map(c -> "True".equals(c.getStatus()))
                                .orElse(false),
                "Ready at generation " + generation,
                cluster.rolloutTimeout());
    }
}
