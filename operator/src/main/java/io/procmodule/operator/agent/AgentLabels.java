package io.procmodule.operator.agent;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.Map;

/**
 * The labels and annotations that tie agent pods, unload pods and nodes to a ProcModule. They are
 * never derived from the spec: a DaemonSet's selector is immutable.
 */
public final class AgentLabels {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "procmodule-operator";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String COMPONENT_AGENT = "node-agent";
    public static final String COMPONENT_UNLOAD = "unload";
    /** Selects every object the operator creates, in informers and in RBAC-friendly list calls. */
    public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGED_BY_VALUE;

    /** Pod-template annotation: the hash of the agent configuration the pod runs. */
    public static final String CONFIG_HASH = "procmodule.io/config-hash";
    /** DaemonSet annotation: the hash of the whole rendered DaemonSet, to detect needed updates. */
    public static final String SPEC_HASH = "procmodule.io/spec-hash";
    /** Node label {@code procmodule.io/<ProcModule name>=<module name>}: the node may carry the module. */
    public static final String NODE_LABEL_PREFIX = "procmodule.io/";

    private AgentLabels() {}

    public static String nodeLabel(String procModuleName) {
        return NODE_LABEL_PREFIX + procModuleName;
    }

    public static String daemonSetName(String procModuleName) {
        return "procmodule-" + procModuleName;
    }

    public static Map<String, String> instance(String procModuleName) {
        return Map.of(INSTANCE, procModuleName);
    }

    /** The ProcModule an object was made for (its instance label), or null. */
    public static String procModuleOf(ObjectMeta meta) {
        return valueOf(meta.getLabels(), INSTANCE);
    }

    /** Agent or unload (the component label), or null. */
    public static String componentOf(ObjectMeta meta) {
        return valueOf(meta.getLabels(), COMPONENT);
    }

    /** The agent configuration a pod or pod template runs (its annotation), or null. */
    public static String configHashOf(ObjectMeta meta) {
        return valueOf(meta.getAnnotations(), CONFIG_HASH);
    }

    private static String valueOf(Map<String, String> labelsOrAnnotations, String key) {
        return labelsOrAnnotations == null ? null : labelsOrAnnotations.get(key);
    }
}
