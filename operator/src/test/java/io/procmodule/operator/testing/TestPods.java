package io.procmodule.operator.testing;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.procmodule.operator.agent.AgentLabels;
import java.util.Map;

/** Pods as the operator's informers hold them, for tests: what a reading or a plan looks at. */
public final class TestPods {
    private TestPods() {}

    /** A pod named {@code name} on {@code node} with {@code status}; callers add what they need. */
    public static PodBuilder onNode(String name, String node, PodStatus status) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("ns")
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .endSpec()
                .withStatus(status);
    }

    /** An agent pod running the configuration with hash {@code configHash}. */
    public static PodBuilder agent(String name, String node, String configHash, PodStatus status) {
        return onNode(name, node, status)
                .editMetadata()
                .withAnnotations(Map.of(AgentLabels.CONFIG_HASH, configHash))
                .endMetadata();
    }
}
