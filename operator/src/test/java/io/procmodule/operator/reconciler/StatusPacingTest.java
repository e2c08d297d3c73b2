package io.procmodule.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusPacingTest {
    static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    static final Duration HALF = Duration.ofMillis(500);

    @Test
    void aFirstWriteGoesAtOnce() {
        assertThat(StatusPacing.wait(null, T0, HALF)).isZero();
    }

    @Test
    void aWriteTooSoonAfterTheLastWaitsForTheRestOfTheInterval() {
        assertThat(StatusPacing.wait(T0, T0.plusMillis(120), HALF)).isEqualTo(Duration.ofMillis(380));
        assertThat(StatusPacing.wait(T0, T0.plusMillis(500), HALF)).isZero();
        assertThat(StatusPacing.wait(T0, T0.plusSeconds(3), HALF)).isZero();
    }

    @Test
    void aClockThatWentBackNeverHoldsAWriteBack() {
        assertThat(StatusPacing.wait(T0, T0.minusSeconds(30), HALF)).isZero();
    }

    @Test
    void eachResourceIsPacedOnItsOwn() {
        StatusPacing pacing = new StatusPacing();
        pacing.wrote("a", T0);
        assertThat(pacing.waitFor("a", T0.plusMillis(100))).isEqualTo(Duration.ofMillis(400));
        assertThat(pacing.waitFor("b", T0.plusMillis(100))).isZero();
        pacing.forget("a");
        assertThat(pacing.waitFor("a", T0.plusMillis(100))).isZero();
    }
}
