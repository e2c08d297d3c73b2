package io.procmodule.operator.validation;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Toleration;
import io.procmodule.operator.api.Limits;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleSpec;
import io.procmodule.operator.api.ProcModuleStatus;
import io.procmodule.operator.api.Rollout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The CRD schema's rules, checked again by the operator: objects may predate the schema, come from a
 * server that skipped validation, or (nodeSelector keys) carry rules the schema cannot express
 * cheaply. Each violation is one sentence naming the field.
 */
public final class SpecValidator {
    private static final Pattern ENTRY_NAME = Pattern.compile(ProcModuleSpec.ENTRY_NAME_PATTERN);
    private static final Pattern ALL_DIGITS = Pattern.compile("^[0-9]+$");
    private static final Set<String> MASKED_ENTRIES = Set.of(ProcModuleSpec.MASKED_ENTRY_NAMES.split(" "));
    private static final Pattern MESSAGE = Pattern.compile(ProcModuleSpec.MESSAGE_PATTERN);
    private static final Pattern RESOURCE_NAME = Pattern.compile(ProcModule.NAME_PATTERN);
    private static final Pattern PERCENT = Pattern.compile(Rollout.PERCENT_PATTERN);
    private static final Pattern LABEL_NAME = Pattern.compile("^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
    private static final Set<String> TOLERATION_OPERATORS = Set.of("Exists", "Equal", "");
    private static final Set<String> TAINT_EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    private SpecValidator() {}

    public static List<String> validate(ProcModule pm) {
        List<String> violations = new ArrayList<>();
        checkName(pm.getMetadata().getName(), violations);
        ProcModuleSpec spec = pm.getSpec();
        if (spec == null) {
            violations.add("spec is missing");
            return violations;
        }
        checkEntryName(spec.getEntryName(), violations);
        checkEntryNameUnchanged(spec.getEntryName(), pm.getStatus(), violations);
        checkMessage(spec.getMessage(), violations);
        checkNodeSelector(spec.getNodeSelector(), violations);
        checkTolerations(spec.getTolerations(), violations);
        checkMaxUnavailable(spec.getRollout().getMaxUnavailable(), violations);
        return violations;
    }

    private static void checkName(String name, List<String> violations) {
        if (name == null
                || name.length() > ProcModule.MAX_NAME_LENGTH
                || !RESOURCE_NAME.matcher(name).matches()) {
            violations.add("metadata.name \"" + name + "\" must be a DNS-1123 label (lower-case letters, digits, '-')"
                    + " of at most " + ProcModule.MAX_NAME_LENGTH + " characters");
        }
    }

    private static void checkEntryName(String entry, List<String> violations) {
        if (entry == null || !ENTRY_NAME.matcher(entry).matches()) {
            violations.add("spec.entryName \"" + entry + "\" must be 1-" + Limits.MAX_ENTRY_NAME_LENGTH
                    + " characters of A-Z a-z 0-9 . _ -");
        } else if (entry.equals(".") || entry.equals("..")) {
            violations.add("spec.entryName must not be \".\" or \"..\"");
        } else if (ALL_DIGITS.matcher(entry).matches()) {
            violations.add("spec.entryName \"" + entry + "\" must not be all digits");
        } else if (MASKED_ENTRIES.contains(entry)) {
            violations.add("spec.entryName \"" + entry + "\" is masked by the kubelet in unprivileged containers,"
                    + " where the agent could not read it back; not one of: " + ProcModuleSpec.MASKED_ENTRY_NAMES);
        }
    }

    /** The CRD forbids the change; this catches servers without CEL transition rules. */
    private static void checkEntryNameUnchanged(String entry, ProcModuleStatus status, List<String> violations) {
        if (status != null
                && status.getEntryName() != null
                && !status.getEntryName().equals(entry)) {
            violations.add("spec.entryName is immutable: it was \"" + status.getEntryName() + "\" (module "
                    + status.getModuleName() + " stays loaded); delete and recreate the ProcModule instead");
        }
    }

    private static void checkMessage(String message, List<String> violations) {
        if (message == null || message.isEmpty() || message.length() > Limits.MAX_MESSAGE_LENGTH) {
            violations.add("spec.message must be 1-" + Limits.MAX_MESSAGE_LENGTH + " characters long");
        } else if (!MESSAGE.matcher(message).matches()) {
            violations.add("spec.message may contain only printable ASCII characters other than '\"'"
                    + " (no tabs, newlines or non-ASCII)");
        }
    }

    private static void checkNodeSelector(Map<String, String> selector, List<String> violations) {
        if (selector.size() > ProcModuleSpec.MAX_NODE_SELECTOR_ENTRIES) {
            violations.add("spec.nodeSelector has more than " + ProcModuleSpec.MAX_NODE_SELECTOR_ENTRIES + " entries");
        }
        selector.forEach((key, value) -> {
            if (!isLabelKey(key)) {
                violations.add(
                        "spec.nodeSelector key \"" + key + "\" is not a valid label key"
                                + " ([prefix/]name, name at most 63 characters of A-Z a-z 0-9 - _ . starting and ending alphanumeric)");
            }
            if (value == null || !isLabelValue(value)) {
                violations.add(
                        "spec.nodeSelector value \"" + value + "\" for key \"" + key + "\" is not a valid label value"
                                + " (at most 63 characters of A-Z a-z 0-9 - _ . starting and ending alphanumeric)");
            }
        });
    }

    /** Empty, or at most 63 characters of A-Z a-z 0-9 - _ . starting and ending alphanumeric. */
    static boolean isLabelValue(String value) {
        return value == null
                || value.isEmpty()
                || value.length() <= 63 && LABEL_NAME.matcher(value).matches();
    }

    static boolean isLabelKey(String key) {
        if (key == null) {
            return false;
        }
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            if (prefix.isEmpty()
                    || prefix.length() > 253
                    || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
                return false;
            }
        }
        return !name.isEmpty()
                && name.length() <= 63
                && LABEL_NAME.matcher(name).matches();
    }

    private static void checkTolerations(List<Toleration> tolerations, List<String> violations) {
        if (tolerations.size() > ProcModuleSpec.MAX_TOLERATIONS) {
            violations.add("spec.tolerations has more than " + ProcModuleSpec.MAX_TOLERATIONS + " entries");
        }
        for (int i = 0; i < tolerations.size(); i++) {
            Toleration t = tolerations.get(i);
            String where = "spec.tolerations[" + i + "]";
            if (t.getOperator() != null && !TOLERATION_OPERATORS.contains(t.getOperator())) {
                violations.add(where + ".operator must be Exists or Equal");
            }
            if ("Exists".equals(t.getOperator())
                    && t.getValue() != null
                    && !t.getValue().isEmpty()) {
                violations.add(where + ".value must be empty when operator is Exists");
            }
            if (t.getEffect() != null && !t.getEffect().isEmpty() && !TAINT_EFFECTS.contains(t.getEffect())) {
                violations.add(where + ".effect must be NoSchedule, PreferNoSchedule or NoExecute");
            }
            if ((t.getKey() == null || t.getKey().isEmpty()) && !"Exists".equals(t.getOperator())) {
                violations.add(where + ": an empty key requires operator Exists");
            }
            // The API server's ValidateTolerations (pkg/apis/core/validation) also checks these.
            if (t.getKey() != null && !t.getKey().isEmpty() && !isLabelKey(t.getKey())) {
                violations.add(where + ".key \"" + t.getKey() + "\" is not a valid label key");
            }
            if (!"Exists".equals(t.getOperator()) && !isLabelValue(t.getValue())) {
                violations.add(where + ".value \"" + t.getValue() + "\" is not a valid label value");
            }
            if (t.getTolerationSeconds() != null && !"NoExecute".equals(t.getEffect())) {
                violations.add(where + ".tolerationSeconds requires effect NoExecute");
            }
        }
    }

    private static void checkMaxUnavailable(IntOrString maxUnavailable, List<String> violations) {
        boolean valid = maxUnavailable.getIntVal() != null
                ? maxUnavailable.getIntVal() >= 1
                : maxUnavailable.getStrVal() != null
                        && PERCENT.matcher(maxUnavailable.getStrVal()).matches();
        if (!valid) {
            violations.add(
                    "spec.rollout.maxUnavailable must be an integer >= 1 or a percentage between 1% and 100%, not "
                            + (maxUnavailable.getIntVal() != null
                                    ? maxUnavailable.getIntVal()
                                    : "\"" + maxUnavailable.getStrVal() + "\""));
        }
    }
}
