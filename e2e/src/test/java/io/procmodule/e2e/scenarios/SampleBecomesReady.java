package io.procmodule.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.procmodule.e2e.cluster.Cluster;
import io.procmodule.operator.api.Phase;
import io.procmodule.operator.api.ProcModule;

/** The shipped sample, applied as is, becomes Ready for the generation that was applied. */
public final class SampleBecomesReady implements Scenario {
    @Override
    public void run(Cluster cluster) {
        ProcModule pm = Sample.applyAndAwaitReady(cluster);
        assertThat(pm.getStatus().getPhase()).isEqualTo(Phase.Ready);
        assertThat(pm.getStatus().getObservedGeneration())
                .isEqualTo(pm.getMetadata().getGeneration());
        assertThat(Cluster.condition(pm, "Degraded"))
                .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("False"));
    }
}
