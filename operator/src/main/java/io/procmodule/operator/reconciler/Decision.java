package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.procmodule.operator.OperatorConfig;
import io.procmodule.operator.agent.AgentConfig;
import io.procmodule.operator.api.ModuleName;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.status.Mode;
import io.procmodule.operator.validation.SpecValidator;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Pure: what one reconcile decides from the resource and the cluster it observed.
 *
 * @param agent the configuration to act with: the spec's while applying, the applied one while deleting
 * @param desiredNodes nodes that should carry the module (empty unless applying)
 * @param plan what to do about node labels and unload pods
 */
record Decision(Mode mode, AgentConfig agent, List<Node> desiredNodes, NodePlan plan) {

    /** For a resource that is not being deleted; {@code all} is every ProcModule (conflicts). */
    static Decision forSpec(
            ProcModule pm, Collection<ProcModule> all, ClusterSnapshot observed, OperatorConfig config, Instant now) {
        Mode mode = mode(pm, all, observed.nodes());
        List<Node> desired =
                mode instanceof Mode.Applying ? NodeSelection.desired(pm, observed.nodes().stream()) : List.of();
        NodePlan plan = NodePlan.decide(
                new NodePlan.Input(pm.getMetadata().getName(), mode, desired, observed, now, config.unloadTimeout()));
        return new Decision(mode, AgentConfig.of(pm, config.agentImage()), desired, plan);
    }

    /** For a resource that is being deleted: unload every node that may carry the module. */
    static Decision forDeletion(ProcModule pm, ClusterSnapshot observed, OperatorConfig config, Instant now) {
        NodePlan plan = NodePlan.decide(new NodePlan.Input(
                pm.getMetadata().getName(), Mode.DELETING, List.of(), observed, now, config.unloadTimeout()));
        return new Decision(Mode.DELETING, AgentConfig.applied(pm, config.agentImage()), List.of(), plan);
    }

    /** Blocked by an invalid spec, or by an older ProcModule loading the same module on a shared node. */
    static Mode mode(ProcModule pm, Collection<ProcModule> all, List<Node> nodes) {
        List<String> violations = SpecValidator.validate(pm);
        if (!violations.isEmpty()) {
            return Mode.Blocked.invalidSpec(String.join("; ", violations));
        }
        Optional<ProcModule> older = Conflicts.olderOverlapping(pm, all, nodes);
        if (older.isPresent()) {
            return Mode.Blocked.conflict(
                    "ProcModule " + older.get().getMetadata().getName()
                            + " already loads module "
                            + ModuleName.forEntry(pm.getSpec().getEntryName())
                            + " on some of the same nodes; nothing is created"
                            + " for this one until that one is deleted or no longer shares a node");
        }
        return Mode.APPLYING;
    }

    /** A conflicted resource keeps no DaemonSet: nothing of it may touch the shared nodes. */
    boolean ownsNothing() {
        return mode instanceof Mode.Blocked blocked && Mode.Blocked.CONFLICT.equals(blocked.reason());
    }

    /**
     * True while the reconcile waits for something no event announces: an unload pod's timeout, or
     * the end of a conflict.
     */
    boolean needsRecheck() {
        return !plan.nothingToUnload()
                || mode instanceof Mode.Blocked blocked && Mode.Blocked.CONFLICT.equals(blocked.reason());
    }
}
