package io.procmodule.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.procmodule.e2e.cluster.Cluster;
import io.procmodule.operator.api.Phase;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;

/**
 * A second resource with the sample's entry gets a Conflict and does nothing: the sample keeps
 * serving its bytes, also after the conflicting resource is deleted.
 */
public final class SameEntryConflict implements Scenario {
    private static final String NAME = "e2e-conflict";
    static final String REASON = "Conflict";

    @Override
    public void run(Cluster cluster) {
        ProcModule sample = Sample.applyAndAwaitReady(cluster);
        try {
            cluster.apply(Sample.resource(NAME, sample.getSpec().getEntryName(), "not the sample's message"));
            ProcModule conflicting = cluster.await(
                    NAME,
                    pm -> Cluster.condition(pm, ProcModuleStatus.CONDITION_READY)
                            .map(c -> "False".equals(c.getStatus()) && REASON.equals(c.getReason()))
                            .orElse(false),
                    "Ready=False with reason " + REASON,
                    cluster.rolloutTimeout());
            assertThat(conflicting.getStatus().getPhase()).isEqualTo(Phase.Failed);
            assertThat(Cluster.condition(conflicting, ProcModuleStatus.CONDITION_READY)
                            .orElseThrow()
                            .getMessage())
                    .contains(Sample.NAME);
            NodeChecks.everyNodeServes(cluster, sample);
        } finally {
            NodeChecks.deleteAndAwaitGone(cluster, NAME);
        }
        NodeChecks.everyNodeServes(cluster, Sample.applyAndAwaitReady(cluster));
    }
}
