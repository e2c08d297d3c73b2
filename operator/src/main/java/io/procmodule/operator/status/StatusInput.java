package io.procmodule.operator.status;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.procmodule.operator.api.ProcModuleStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Everything the status is computed from.
 *
 * @param mode applying, blocked (nothing is done for the resource) or deleting
 * @param resource what the stored resource says
 * @param agents the nodes that should run the module and their agent pods
 * @param unloads the nodes that must lose the module and their unload pods
 */
public record StatusInput(Mode mode, Resource resource, Agents agents, Unloads unloads, Instant now) {

    /**
     * @param previous the status currently stored (null on first reconcile); transition times carry over
     * @param entryName the entry that was applied (null while nothing was ever applied)
     * @param moduleName the module that was applied (null while nothing was ever applied)
     */
    public record Resource(long generation, ProcModuleStatus previous, String entryName, String moduleName) {}

    /**
     * @param desiredNodes nodes that should run the module (ignored unless applying)
     * @param configHash the configuration agent pods must run to count
     * @param readings what earlier reconciles of this resource read from its pods (a cache)
     */
    public record Agents(List<Node> desiredNodes, String configHash, Collection<Pod> pods, AgentReadings readings) {
        public Agents(List<Node> desiredNodes, String configHash, Collection<Pod> pods) {
            this(desiredNodes, configHash, pods, new AgentReadings());
        }
    }

    /** @param nodes nodes that must lose the module */
    public record Unloads(List<Node> nodes, Collection<Pod> pods) {}
}
