package io.procmodule.operator.status;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;

/**
 * A refused API call that failed a reconcile (403, 404, 409, 422, 5xx...), in the words shown on
 * the resource: the condition message and the Warning event.
 */
public record ApiError(int code, String message) {
    public static final String REASON = "ApiError";

    /** The first KubernetesClientException in the cause chain (JOSDK may wrap it), if any. */
    public static Optional<ApiError> of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException e) {
                String detail = e.getStatus() != null && e.getStatus().getMessage() != null
                        ? e.getStatus().getMessage()
                        : e.getMessage();
                return Optional.of(new ApiError(
                        e.getCode(),
                        StatusAggregator.truncate("the API server refused a call (HTTP " + e.getCode() + "): " + detail
                                + "; retrying with backoff")));
            }
        }
        return Optional.empty();
    }
}
