package io.procmodule.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
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
    /**
     * /proc entries the kubelet masks in every container that is not privileged (Kubernetes'
     * defaultMaskedPaths, v1.35), space-separated: the agent's unprivileged monitor would read /dev/null
     * there and never verify the module (seen on a real kubelet: VerifyMismatch, found "").
     */
    public static final String MASKED_ENTRY_NAMES =
            "acpi asound interrupts kcore keys latency_stats sched_debug scsi timer_list timer_stats";

    public static final int MAX_NODE_SELECTOR_ENTRIES = 64;
    public static final int MAX_TOLERATIONS = 64;

    @Default(DEFAULT_ENTRY_NAME)
    @Size(min = 1, max = Limits.MAX_ENTRY_NAME_LENGTH)
    @Pattern(ENTRY_NAME_PATTERN)
    // Go regexps (the CRD pattern dialect) have no lookahead: the exclusions live in CEL.
    @ValidationRule(
            value = "self != '.' && self != '..' && !self.matches('^[0-9]+$')",
            message = "entryName must not be '.', '..' or all digits")
    @ValidationRule(
            value = "!(self in '" + MASKED_ENTRY_NAMES + "'.split(' '))",
            message = "entryName must not be one the kubelet masks in unprivileged containers, where the agent"
                    + " could not read it back: " + MASKED_ENTRY_NAMES)
    @ValidationRule(
            value = "self == oldSelf",
            message = "entryName is immutable (the loaded module is named after it): create a new ProcModule instead")
    @JsonPropertyDescription(
            "Name of the /proc entry the module creates (/proc/<entryName>); also names the module (hello_proc_<entryName>, or hello_proc for the default). Immutable.")
    private String entryName = DEFAULT_ENTRY_NAME;

    @Default(DEFAULT_MESSAGE)
    @Size(min = 1, max = Limits.MAX_MESSAGE_LENGTH)
    @Pattern(MESSAGE_PATTERN)
    @JsonPropertyDescription(
            "The exact text /proc/<entryName> returns, followed by a newline: printable ASCII without double quotes. Changing it rolls out a reload node by node.")
    private String message = DEFAULT_MESSAGE;

    // Label syntax of keys and values is checked by the operator only (SpecValidator): a CEL rule
    // over map keys has no length bound the API server's cost estimator accepts.
    @Size(max = MAX_NODE_SELECTOR_ENTRIES)
    @JsonPropertyDescription("Labels a node must carry to get the module (all must match). Empty: every node.")
    private Map<String, String> nodeSelector = new LinkedHashMap<>();

    // The API server's ValidateTolerations, as far as CEL can say it within the cost budget: key and
    // value syntax need regexes over strings without a length bound, so only SpecValidator checks them.
    @Size(max = MAX_TOLERATIONS)
    @ValidationRule(
            value = "self.all(t, !has(t.operator) || t.operator in ['', 'Equal', 'Exists'])",
            message = "toleration operator must be Equal or Exists")
    @ValidationRule(
            value = "self.all(t, !has(t.effect) || t.effect in ['', 'NoSchedule', 'PreferNoSchedule', 'NoExecute'])",
            message = "toleration effect must be NoSchedule, PreferNoSchedule or NoExecute")
    @ValidationRule(
            value = "self.all(t, (has(t.key) && t.key != '') || (has(t.operator) && t.operator == 'Exists'))",
            message = "a toleration with an empty key must have operator Exists")
    @ValidationRule(
            value = "self.all(t, !has(t.operator) || t.operator != 'Exists' || !has(t.value) || t.value == '')",
            message = "a toleration with operator Exists must have an empty value")
    @ValidationRule(
            value = "self.all(t, !has(t.tolerationSeconds) || has(t.effect) && t.effect == 'NoExecute')",
            message = "tolerationSeconds requires effect NoExecute")
    @JsonPropertyDescription("Taints of selected nodes the agent pods tolerate, as in a pod spec.")
    private List<Toleration> tolerations = new ArrayList<>();

    @JsonPropertyDescription("How a changed message or image replaces agent pods.")
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
