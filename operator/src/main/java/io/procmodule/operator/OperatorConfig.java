package io.procmodule.operator;

import java.time.Duration;
import java.util.Map;

/**
 * The operator's configuration, read from the environment (README: "Operator configuration").
 *
 * @param leaseDuration how long the leader's lease lasts without renewal; it must renew within two
 *     thirds of it and retries every 2/15 of it (Kubernetes' 15 s / 10 s / 2 s by default), or exits
 * @param recheckInterval how often waiting states (unloads, conflicts) are looked at again without an event
 * @param requestTimeout how long one API request may take; the client's own 10 s is shorter than one
 *     page of a first list from a large, busy cluster, and the API server ends a request at 60 s itself
 * @param cacheSyncTimeout how long the first lists of nodes, pods and ProcModules may take before the
 *     operator gives up and exits (JOSDK's 2 minutes is less than 20,000 nodes take on a busy server)
 */
public record OperatorConfig(
        String namespace,
        String agentImage,
        boolean leaderElection,
        String podName,
        String podNamespace,
        int httpPort,
        Duration unloadTimeout,
        Duration leaseDuration,
        Duration recheckInterval,
        Duration requestTimeout,
        Duration cacheSyncTimeout) {

    public static final String DEFAULT_NAMESPACE = "procmodule-system";
    public static final String DEFAULT_AGENT_IMAGE = "localhost/procmodule/agent:0.1.0";
    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final Duration DEFAULT_UNLOAD_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(15);
    public static final Duration DEFAULT_RECHECK_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_CACHE_SYNC_TIMEOUT = Duration.ofMinutes(10);

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
                leaseDuration(env.getOrDefault("LEASE_DURATION", DEFAULT_LEASE_DURATION.toString())),
                positive(env, "RECHECK_INTERVAL", DEFAULT_RECHECK_INTERVAL),
                positive(env, "REQUEST_TIMEOUT", DEFAULT_REQUEST_TIMEOUT),
                positive(env, "CACHE_SYNC_TIMEOUT", DEFAULT_CACHE_SYNC_TIMEOUT));
    }

    private static Duration leaseDuration(String text) {
        Duration d = Duration.parse(text);
        if (d.compareTo(Duration.ofSeconds(15)) < 0) {
            throw new IllegalArgumentException("LEASE_DURATION must be at least PT15S, not " + text);
        }
        return d;
    }

    private static Duration positive(Map<String, String> env, String name, Duration otherwise) {
        String text = env.getOrDefault(name, otherwise.toString());
        Duration d = Duration.parse(text);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + text);
        }
        return d;
    }

    /** Within this the leader must renew its lease, or it exits. */
    public Duration renewDeadline() {
        return leaseDuration.multipliedBy(2).dividedBy(3);
    }

    /** How often a renewal, or a candidate's attempt, is tried. */
    public Duration leaseRetryPeriod() {
        return leaseDuration.multipliedBy(2).dividedBy(15);
    }

    /** Defaults everywhere; tests set what they need through {@link #fromEnv}. */
    public static OperatorConfig defaults() {
        return fromEnv(Map.of());
    }
}
