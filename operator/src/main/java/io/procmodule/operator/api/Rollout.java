package io.procmodule.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;

/** How fast a changed configuration replaces agent pods (the DaemonSet's rolling update). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Rollout {
    public static final String PERCENT_PATTERN = "^(100|[1-9][0-9]?)%$";

    @Default("1")
    @ValidationRule(
            value = "type(self) == int ? self >= 1 : self.matches('" + PERCENT_PATTERN + "')",
            message = "maxUnavailable must be an integer >= 1 or a percentage between 1% and 100%")
    @JsonPropertyDescription("Nodes (or a percentage of them) that may be reloading at the same time. Default 1.")
    private IntOrString maxUnavailable = new IntOrString(1);

    public IntOrString getMaxUnavailable() {
        return maxUnavailable;
    }

    public void setMaxUnavailable(IntOrString maxUnavailable) {
        this.maxUnavailable = maxUnavailable == null ? new IntOrString(1) : maxUnavailable;
    }
}
