package io.procmodule.e2e.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.procmodule.e2e.scenarios.Sample;
import io.procmodule.operator.agent.AgentConfig;
import io.procmodule.operator.agent.DesiredUnloadPod;
import io.procmodule.operator.api.ProcModule;
import org.junit.jupiter.api.Test;

/** The stand-in kubelet hands the agent the environment a real kubelet would. */
class ContainerCommandTest {
    @Test
    void messagesWithDollarSignsArriveAsWritten() {
        String message = "costs $$5, $5 and $(PM_NODE_NAME)";
        ProcModule pm = Sample.resource("dollar", "dollar_entry", message);
        Pod pod = DesiredUnloadPod.render(pm, "procmodule-system", AgentConfig.of(pm, "agent:test"), "node-a");
        Container unload = pod.getSpec().getContainers().get(0);

        assertThat(ContainerCommand.of(pod, unload).podRunArguments())
                .containsSubsequence("--env", AgentConfig.ENV_MESSAGE + "=" + message);
    }

    @Test
    void containersRunWithExactlyTheirTemplatesCapabilities() {
        ProcModule pm = Sample.resource("caps");
        Pod pod = DesiredUnloadPod.render(pm, "procmodule-system", AgentConfig.of(pm, "agent:test"), "node-a");
        assertThat(ContainerCommand.of(pod, pod.getSpec().getContainers().get(0))
                        .podRunArguments())
                .containsSubsequence("--caps", "sys_module,syslog");
    }
}
