package io.procmodule.e2e.cluster;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.procmodule.operator.api.ProcModule;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What the end-to-end scenarios need from a cluster, and nothing else, so the same scenarios run
 * on kind ({@code KindCluster}) and on the simulated cluster of QEMU nodes.
 */
public interface Cluster extends AutoCloseable {

    /**
     * Creates the resource, or updates the spec of an existing one (like {@code kubectl apply}).
     * A rejection by the API server surfaces as {@code KubernetesClientException} with its code.
     */
    ProcModule apply(ProcModule resource);

    /** The named ProcModule on this cluster's API server (which may not hold it). */
    Resource<ProcModule> procModule(String name);

    default Optional<ProcModule> get(String name) {
        return Optional.ofNullable(procModule(name).get());
    }

    /** Requests deletion; the operator's finalizer decides when the object is gone. */
    default void delete(String name) {
        procModule(name).delete();
    }

    /** Waits until the resource satisfies {@code condition}; fails naming {@code description}. */
    ProcModule await(String name, Predicate<ProcModule> condition, String description, Duration timeout);

    /** Waits until the resource no longer exists (its finalizer was removed). */
    void awaitDeleted(String name, Duration timeout);

    /** Names of the cluster's nodes. */
    List<String> nodeNames();

    /** The bytes {@code /proc/<entry>} reads on the node, or empty when the entry does not exist. */
    Optional<String> readProcEntry(String node, String entry);

    /** Whether the kernel module is loaded on the node (listed in its {@code /proc/modules}). */
    boolean moduleLoaded(String node, String module);

    /** The text {@code kubectl get procmodules} prints (rendered from the CRD's printer columns). */
    String kubectlGetProcModules();

    /** How long a rollout (build, load and verify on every node) may take on this cluster. */
    Duration rolloutTimeout();

    @Override
    void close();

    /** Waits for a status condition, as {@code kubectl wait --for=condition=<type>=<status>} does. */
    default ProcModule awaitCondition(String name, String type, String status, Duration timeout) {
        return await(
                name,
                pm -> condition(pm, type).map(c -> status.equals(c.getStatus())).orElse(false),
                "condition " + type + "=" + status,
                timeout);
    }

    static Optional<Condition> condition(ProcModule pm, String type) {
        return pm.getStatus() == null ? Optional.empty() : pm.getStatus().condition(type);
    }
}
