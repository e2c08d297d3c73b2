package io.procmodule.operator;

import java.time.Duration;
import java.util.Map;

/**
 * The operator's configuration, read from the environment (README: "Operator configuration").
 *
 * @param recheckInterval how often waiting states (unloads, conflicts) are looked at again without an event
 */
public record OperatorConfig(
        String namespace,
        String agentImage,
        boolean leaderElection,
        String podName,
        String podNamespace,
        int httpPort,
        Duration unloadTimeout,
        Duration recheckInterval) {

    public static final String DEFAULT_NAMESPACE = "procmodule-system";
    public static final String DEFAULT_AGENT_IMAGE = "localhost/procmodule/agent:0.1.0";
    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final Duration DEFAULT_UNLOAD_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_RECHECK_INTERVAL = Duration.ofSeconds(10);

    public static OperatorConfig fromEnv(Map<String, String> env) {
        String leader = env.getOrDefault("LEADER_ELECTION", "false");
        if (!leader.equals("true") && !leader.equals("false")) {
            throw new IllegalArgumentException("LEADER_ELECTION must be true or false, not \"" + leader + "\"");
        }
        String namespace = env.getOrDefault("OPERATOR_NAMESPACE", DEFAULT_NAMESPACE);
        return new OperatorConfig(
                namespace,
                env.getOrDefault("AGENT_IMAGE", DEFAULT_AGENT_IMAGE),
                Boolean.parseBoolean(leader),
                env.get("POD_NAME"),
                env.getOrDefault("POD_NAMESPACE", namespace),
                Integer.parseInt(env.getOrDefault("HTTP_PORT", String.valueOf(DEFAULT_HTTP_PORT))),
                Duration.parse(env.getOrDefault("UNLOAD_TIMEOUT", DEFAULT_UNLOAD_TIMEOUT.toString())),
                DEFAULT_RECHECK_INTERVAL);
    }

    /** Defaults everywhere; tests adjust with the with-methods. */
    public static OperatorConfig defaults() {
        return fromEnv(Map.of());
    }

    public OperatorConfig withUnloadTimeout(Duration timeout) {
        return new OperatorConfig(
                namespace, agentImage, leaderElection, podName, podNamespace, httpPort, timeout, recheckInterval);
    }

    public OperatorConfig withRecheckInterval(Duration interval) {
        return new OperatorConfig(
                namespace, agentImage, leaderElection, podName, podNamespace, httpPort, unloadTimeout, interval);
    }

    public OperatorConfig withNamespace(String ns) {
        return new OperatorConfig(
                ns, agentImage, leaderElection, podName, podNamespace, httpPort, unloadTimeout, recheckInterval);
    }
}
