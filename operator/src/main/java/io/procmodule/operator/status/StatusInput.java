package io.procmodule.operator.status;

import io.procmodule.operator.api.ProcModuleStatus;
import java.time.Instant;

/**
 * Everything the status is computed from.
 *
 * @param mode applying, blocked (nothing is done for the resource) or deleting
 * @param resource what the stored resource says
 * @param agents the nodes that should run the module and what their agent pods say (ignored unless
 *     applying)
 * @param unloads the nodes that must lose the module and what their unload pods say
 */
public record StatusInput(Mode mode, Resource resource, NodeBoard agents, NodeBoard unloads, Instant now) {

    /**
     * @param previous the status currently stored (null on first reconcile); transition times carry over
     * @param entryName the entry that was applied (null while nothing was ever applied)
     * @param moduleName the module that was applied (null while nothing was ever applied)
     */
    public record Resource(long generation, ProcModuleStatus previous, String entryName, String moduleName) {}
}
