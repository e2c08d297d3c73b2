package io.procmodule.e2e.simulated;

import java.util.Optional;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.opentest4j.TestAbortedException;

/** Prints each scenario's result and wall time (printed, never asserted), and why one was skipped. */
public final class ScenarioTimer implements BeforeTestExecutionCallback, AfterTestExecutionCallback, TestWatcher {
    private final String label;
    private long started;

    ScenarioTimer() {
        this("simulated e2e");
    }

    /** {@code label} starts every line it prints (which suite). */
    public ScenarioTimer(String label) {
        this.label = label;
    }

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        started = System.nanoTime();
        System.out.printf("%s: >>> %s%n", label, context.getDisplayName());
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException()
                .filter(TestAbortedException.class::isInstance)
                .isPresent()) {
            return; // reported by testAborted, with the reason
        }
        System.out.printf(
                "%s: <<< %s: %s in %.1f s%n",
                label,
                context.getDisplayName(),
                context.getExecutionException()
                        .map(e -> "FAILED (" + e.getClass().getSimpleName() + ")")
                        .orElse("PASSED"),
                (System.nanoTime() - started) / 1e9);
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        System.out.printf("%s: --- %s: SKIPPED: %s%n", label, context.getDisplayName(), cause.getMessage());
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        System.out.printf("%s: --- %s: DISABLED: %s%n", label, context.getDisplayName(), reason.orElse(""));
    }
}
