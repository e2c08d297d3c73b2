package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.procmodule.operator.OperatorConfig;
import io.procmodule.operator.agent.AgentConfig;
import io.procmodule.operator.api.ModuleName;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.status.Mode;
import io.procmodule.operator.status.NodeBoard;
import io.procmodule.operator.validation.SpecValidator;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What one reconcile decides from the resource and the cluster it observed: pure apart from bringing
 * the resource's {@link NodeView} up to date, which gives what a fresh view would.
 *
 * @param agent the configuration to act with: the spec's while applying, the applied one while deleting
 * @param desiredNodes nodes that should carry the module (empty unless applying)
 * @param agents what the agent pods on the desired nodes say
 * @param plan what to do about node labels and unload pods
 */
record Decision(Mode mode, AgentConfig agent, Collection<Node> desiredNodes, NodeBoard agents, NodePlan plan) {

    /** For a resource that is not being deleted; {@code all} is every ProcModule (conflicts). */
    static Decision forSpec(
            ProcModule pm, Collection<ProcModule> all, ClusterSnapshot observed, OperatorConfig config, Instant now) {
        AgentConfig agent = AgentConfig.of(pm, config.agentImage());
        List<String> violations = SpecValidator.validate(pm);
        if (!violations.isEmpty()) {
            Mode invalid = Mode.Blocked.invalidSpec(String.join("; ", violations));
            return new Decision(invalid, agent, List.of(), new NodeBoard(), NodePlan.NONE);
        }
        NodeView nodes = observed.nodes().refresh(pm, agent.hash(), pm.getStatus());
        Mode mode = conflict(pm, all, nodes::everyNode).orElse(Mode.APPLYING);
        boolean applying = mode instanceof Mode.Applying;
        return new Decision(
                mode,
                agent,
                applying ? nodes.selected() : List.of(),
                applying ? nodes.agents() : new NodeBoard(),
                NodePlan.decide(input(mode, nodes, observed, config, now)));
    }

    /** For a resource that is being deleted: unload every node that may carry the module. */
    static Decision forDeletion(ProcModule pm, ClusterSnapshot observed, OperatorConfig config, Instant now) {
        AgentConfig applied = AgentConfig.applied(pm, config.agentImage());
        NodeView nodes = observed.nodes().refresh(pm, applied.hash(), pm.getStatus());
        return new Decision(
                Mode.DELETING,
                applied,
                List.of(),
                new NodeBoard(),
                NodePlan.decide(input(Mode.DELETING, nodes, observed, config, now)));
    }

    private static NodePlan.Input input(
            Mode mode, NodeView nodes, ClusterSnapshot observed, OperatorConfig config, Instant now) {
        return new NodePlan.Input(
                mode, nodes, observed.unloadPods(), observed.unloadNeededSince(), now, config.unloadTimeout());
    }

    /** Blocked by an older ProcModule loading the same module on a shared node. */
    private static Optional<Mode> conflict(ProcModule pm, Collection<ProcModule> all, Supplier<Stream<Node>> nodes) {
        return Conflicts.olderOverlapping(pm, all, nodes)
                .map(older -> Mode.Blocked.conflict(
                        "ProcModule " + older.getMetadata().getName()
                                + " already loads module "
                                + ModuleName.forEntry(pm.getSpec().getEntryName())
                                + " on some of the same nodes; nothing is created"
                                + " for this one until that one is deleted or no longer shares a node"));
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
