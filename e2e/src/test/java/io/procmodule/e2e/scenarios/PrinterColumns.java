package io.procmodule.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.procmodule.e2e.cluster.Cluster;
import io.procmodule.operator.api.ProcModule;
import java.util.List;

/** {@code kubectl get procmodules} shows NAME ENTRY READY PHASE AGE with the sample's values. */
public final class PrinterColumns implements Scenario {
    public static final List<String> HEADER = List.of("NAME", "ENTRY", "READY", "PHASE", "AGE");

    @Override
    public void run(Cluster cluster) {
        ProcModule pm = Sample.applyAndAwaitReady(cluster);
        List<List<String>> table = cluster.kubectlGetProcModules()
                .lines()
                .map(line -> List.of(line.trim().split("\\s+")))
                .toList();
        assertThat(table.get(0)).isEqualTo(HEADER);
        assertThat(table)
                .anySatisfy(row -> assertThat(row.subList(0, 4))
                        .containsExactly(
                                Sample.NAME,
                                pm.getSpec().getEntryName(),
                                pm.getStatus().getReady(),
                                "Ready"));
    }
}
