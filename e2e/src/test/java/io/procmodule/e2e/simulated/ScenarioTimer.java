package io.procmodule.e2e.simulated;

import java.util.Optional;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.opentest4j.TestAbortedException;

/** Prints each scenario's result and wall time (printed, never asserted), and why one was skipped. */
final class ScenarioTimer implements BeforeTestExecutionCallback, AfterTestExecutionCallback, TestWatcher {
    private long started;

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        started = System.nanoTime();
        System.out.printf("simulated e2e: >>> %s%n", context.getDisplayName());
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException()
                .filter(TestAbortedException.class::isInstance)
                .isPresent()) {
            return; // reported by testAborted, with the reason
        }
        System.out.printf(
                "simulated e2e: <<< %s: %s in %.1f s%n",
                context.getDisplayName(),
                context.getExecutionException()
                        .map(e -> "FAILED (" + e.getClass().getSimpleName() + ")")
                        .orElse("PASSED"),
                (System.nanoTime() - started) / 1e9);
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        System.out.printf("simulated e2e: --- %s: SKIPPED: %s%n", context.getDisplayName(), cause.getMessage());
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        System.out.printf("simulated e2e: --- %s: DISABLED: %s%n", context.getDisplayName(), reason.orElse(""));
    }
}
