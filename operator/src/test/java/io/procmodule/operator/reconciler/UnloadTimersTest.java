package io.procmodule.operator.reconciler;

import static io.procmodule.operator.testing.TestNodes.node;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnloadTimersTest {
    static final Instant T0 = Instant.parse("2026-11-28T05:00:00Z");

    @Test
    void keepsTheFirstObservationPerNodeAndForgetsNodesNoLongerUnloading() {
        UnloadTimers timers = new UnloadTimers();
        timers.update("hello", List.of(node("a", "6.1")), T0);
        timers.update("hello", List.of(node("a", "6.1"), node("b", "6.1")), T0.plusSeconds(60));
        assertThat(timers.of("hello")).containsEntry("a", T0).containsEntry("b", T0.plusSeconds(60));
        assertThat(timers.of("other")).isEmpty();

        timers.update("hello", List.of(node("b", "6.1")), T0.plusSeconds(120));
        assertThat(timers.of("hello")).containsOnlyKeys("b");
        timers.update("hello", List.of(node("a", "6.1"), node("b", "6.1")), T0.plusSeconds(180));
        assertThat(timers.of("hello"))
                .as("a needs an unload again: a new wait")
                .containsEntry("a", T0.plusSeconds(180))
                .containsEntry("b", T0.plusSeconds(60));
    }
}
