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
 * @param previous the status currently stored (null on first reconcile); transition times carry over
 * @param blocker set when nothing is done for the resource
 * @param desiredNodes nodes that should run the module (empty while deleting)
 * @param configHash the configuration agent pods must run to count
 * @param unloadNodes nodes that must lose the module
 */
public record StatusInput(
        long generation,
        ProcModuleStatus previous,
        String entryName,
        String moduleName,
        Blocker blocker,
        boolean deleting,
        List<Node> desiredNodes,
        String configHash,
        Collection<Pod> agentPods,
        List<Node> unloadNodes,
        Collection<Pod> unloadPods,
        Instant now) {}
