package io.procmodule.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.procmodule.operator.api.ProcModuleStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ApiErrorTest {
    static final Instant T0 = Instant.parse("2026-11-28T05:00:00Z");

    static KubernetesClientException refused(int code, String message) {
        return new KubernetesClientException(
                new StatusBuilder().withCode(code).withMessage(message).build());
    }

    @Test
    void findsTheRefusedCallBehindWrappers() {
        Exception wrapped = new IllegalStateException(
                "reconcile failed", refused(422, "Pod \"x\" is invalid: spec.tolerations[0].operator"));
        assertThat(ApiError.of(wrapped)).hasValueSatisfying(e -> {
            assertThat(e.code()).isEqualTo(422);
            assertThat(e.message()).contains("HTTP 422").contains("spec.tolerations[0].operator");
        });
        assertThat(ApiError.of(new IllegalStateException("no API call"))).isEmpty();
    }

    @Test
    void errorBecomesDegradedAndIsReplacedByTheNextNormalStatus() {
        ApiError error = ApiError.of(refused(403, "pods is forbidden")).orElseThrow();
        ProcModuleStatus before = new ProcModuleStatus();
        ProcModuleStatus failed = StatusAggregator.withApiError(before, error, 2, T0);

        assertThat(failed.condition("Degraded")).hasValueSatisfying(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("ApiError");
            assertThat(c.getMessage()).contains("403").contains("pods is forbidden");
            assertThat(c.getObservedGeneration()).isEqualTo(2);
        });
        assertThat(before.getConditions()).as("previous status untouched").isEmpty();
        assertThat(StatusAggregator.same(failed, StatusAggregator.withApiError(failed, error, 2, T0.plusSeconds(5))))
                .as("the same error again: nothing to write")
                .isTrue();
        assertThat(failed.getConditions())
                .filteredOn(c -> "Degraded".equals(c.getType()))
                .hasSize(1);
    }
}
