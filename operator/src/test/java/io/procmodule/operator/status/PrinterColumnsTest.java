package io.procmodule.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.procmodule.operator.api.Phase;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrinterColumnsTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void rendersTheCrdsPrinterColumnsLikeKubectl() {
        ProcModule ready = new ProcModule();
        ready.setMetadata(new ObjectMetaBuilder()
                .withName("hello-proc")
                .withCreationTimestamp(
                        NOW.minus(Duration.ofMinutes(7).plusSeconds(5)).toString())
                .build());
        ProcModuleStatus s = new ProcModuleStatus();
        s.setReady("2/3");
        s.setPhase(Phase.Degraded);
        ready.setStatus(s);
        ProcModule fresh = new ProcModule();
        fresh.setMetadata(new ObjectMetaBuilder()
                .withName("greeting")
                .withCreationTimestamp(NOW.minusSeconds(3).toString())
                .build());
        fresh.getSpec().setEntryName("greeting");

        assertThat(PrinterColumns.table(List.of(ready, fresh), NOW)).isEqualTo("""
        NAME         ENTRY         READY   PHASE      AGE
        hello-proc   hello_world   2/3     Degraded   7m5s
        greeting     greeting                         3s
        """);
    }

    @Test
    void agesFollowKubectl() {
        assertThat(PrinterColumns.humanDuration(Duration.ofSeconds(119))).isEqualTo("119s");
        assertThat(PrinterColumns.humanDuration(Duration.ofMinutes(3))).isEqualTo("3m");
        assertThat(PrinterColumns.humanDuration(Duration.ofMinutes(45))).isEqualTo("45m");
        assertThat(PrinterColumns.humanDuration(Duration.ofHours(5).plusMinutes(10)))
                .isEqualTo("5h10m");
        assertThat(PrinterColumns.humanDuration(Duration.ofHours(30))).isEqualTo("30h");
        assertThat(PrinterColumns.humanDuration(Duration.ofDays(3).plusHours(2)))
                .isEqualTo("3d2h");
        assertThat(PrinterColumns.humanDuration(Duration.ofDays(40))).isEqualTo("40d");
    }
}
