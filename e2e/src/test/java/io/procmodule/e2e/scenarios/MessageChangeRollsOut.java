package io.procmodule.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.procmodule.e2e.cluster.Cluster;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;

/** Changing the message reloads the module everywhere and the new bytes are verified on each node. */
public final class MessageChangeRollsOut implements Scenario {
    private static final String NAME = "e2e-message";

    @Override
    public void run(Cluster cluster) {
        try {
            ProcModule first = Sample.resource(NAME, "e2e_message", "first message");
            cluster.apply(first);
            NodeChecks.everyNodeServes(cluster, awaitReadyAt(cluster, 1));

            ProcModule second = Sample.resource(NAME, "e2e_message", "second message, rolled out");
            cluster.apply(second);
            ProcModule rolledOut = awaitReadyAt(cluster, 2);
            assertThat(rolledOut.getSpec().getMessage())
                    .isEqualTo(second.getSpec().getMessage());
            NodeChecks.everyNodeServes(cluster, rolledOut);
        } finally {
            NodeChecks.deleteAndAwaitGone(cluster, NAME);
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
