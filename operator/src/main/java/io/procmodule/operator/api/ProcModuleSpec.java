package io.procmodule.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to load where. The field initialisers equal the CRD defaults, so an object that reached the
 * operator without API-server defaulting (tests, older objects) means the same thing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProcModuleSpec {
    public static final String DEFAULT_ENTRY_NAME = "hello_world";
    public static final String DEFAULT_MESSAGE = "Hello, World!";
    public static final String ENTRY_NAME_PATTERN = "^[A-Za-z0-9._-]{1," + Limits.MAX_ENTRY_NAME_LENGTH + "}$";
    /** Printable ASCII (0x20-0x7e) except the double quote, which the kernel parameter parser cannot carry. */
    public static final String MESSAGE_PATTERN = "^[ !#-~]+$";

    public static final int MAX_NODE_SELECTOR_ENTRIES = 64;

    @Default(DEFAULT_ENTRY_NAME)
    @Size(min = 1, max = Limits.MAX_ENTRY_NAME_LENGTH)
    @Pattern(ENTRY_NAME_PATTERN)
    // Go regexps (the CRD pattern dialect) have no lookahead: the exclusions live in CEL.
    @ValidationRule(
            value = "self != '.' && self != '..' && !self.matches('^[0-9]+$')",
            message = "entryName must not be '.', '..' or all digits")
    @ValidationRule(
            value = "self == oldSelf",
            message = "entryName is immutable (the loaded module is named after it): create a new ProcModule instead")
    private String entryName = DEFAULT_ENTRY_NAME;

    @Default(DEFAULT_MESSAGE)
    @Size(min = 1, max = Limits.MAX_MESSAGE_LENGTH)
    @Pattern(MESSAGE_PATTERN)
    private String message = DEFAULT_MESSAGE;

    // Label syntax of keys and values is checked by the operator only (SpecValidator): a CEL rule
    // over map keys has no length bound the API server's cost estimator accepts.
    @Size(max = MAX_NODE_SELECTOR_ENTRIES)
    private Map<String, String> nodeSelector = new LinkedHashMap<>();

    private List<Toleration> tolerations = new ArrayList<>();

    private Rollout rollout = new Rollout();

    public String getEntryName() {
        return entryName;
    }

    public void setEntryName(String entryName) {
        this.entryName = entryName;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector == null ? new LinkedHashMap<>() : nodeSelector;
    }

    public List<Toleration> getTolerations() {
        return tolerations;
    }

    public void setTolerations(List<Toleration> tolerations) {
        this.tolerations = tolerations == null ? new ArrayList<>() : tolerations;
    }

    public Rollout getRollout() {
        return rollout;
    }

    public void setRollout(Rollout rollout) {
        this.rollout = rollout == null ? new Rollout() : rollout;
    }
}
