package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.procmodule.operator.OperatorConfig;
import io.procmodule.operator.api.ModuleName;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;
import io.procmodule.operator.daemonset.AgentConfig;
import io.procmodule.operator.daemonset.AgentLabels;
import io.procmodule.operator.daemonset.DesiredDaemonSet;
import io.procmodule.operator.status.Blocker;
import io.procmodule.operator.status.StatusAggregator;
import io.procmodule.operator.status.StatusEvents;
import io.procmodule.operator.status.StatusInput;
import io.procmodule.operator.validation.SpecValidator;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one ProcModule: validate, check conflicts, keep the agent DaemonSet as rendered, track the
 * nodes that may carry the module, unload nodes that leave the selection, and report the status.
 * On deletion (finalizer via {@link Cleaner}): delete the DaemonSet, unload every node, then let go.
 */
@ControllerConfiguration(
        name = ProcModuleReconciler.NAME,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
public class ProcModuleReconciler implements Reconciler<ProcModule>, Cleaner<ProcModule> {
    public static final String NAME = "procmodule";
    static final String NODES = "nodes";
    static final String PODS = "pods";
    static final String DAEMONSETS = "daemonsets";
    private static final Logger LOG = LoggerFactory.getLogger(ProcModuleReconciler.class);

    private final OperatorConfig config;

    public ProcModuleReconciler(OperatorConfig config) {
        this.config = config;
    }

    @Override
    public List<EventSource<?, ProcModule>> prepareEventSources(EventSourceContext<ProcModule> context) {
        var daemonSets = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(DaemonSet.class, ProcModule.class)
                        .withName(DAEMONSETS)
                        .withNamespaces(Set.of(config.namespace()))
                        .withLabelSelector(AgentLabels.MANAGED_SELECTOR)
                        .withSecondaryToPrimaryMapper(ProcModuleReconciler::byInstanceLabel)
                        .build(),
                context);
        // Agent and unload pods: owned by the DaemonSet or by the ProcModule, tied to it by label.
        var pods = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Pod.class, ProcModule.class)
                        .withName(PODS)
                        .withNamespaces(Set.of(config.namespace()))
                        .withLabelSelector(AgentLabels.MANAGED_SELECTOR)
                        .withSecondaryToPrimaryMapper(ProcModuleReconciler::byInstanceLabel)
                        .build(),
                context);
        // Nodes belong to no ProcModule: any relevant change may change any ProcModule's node set.
        var nodes = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Node.class, ProcModule.class)
                        .withName(NODES)
                        .withWatchAllNamespaces()
                        .withItemStore(NodeCache.store(context.getClient().getKubernetesSerialization()))
                        .withOnUpdateFilter(NodeCache::relevantChange)
                        .withSecondaryToPrimaryMapper(node -> context.getPrimaryCache()
                                .list()
                                .map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
                        .build(),
                context);
        return List.of(daemonSets, pods, nodes);
    }

    /**
     * The ProcModule named by the instance label. Not {@code Mappers.fromLabel}: without a namespace
     * label it takes the secondary's namespace, which never matches a cluster-scoped primary.
     */
    static Set<ResourceID> byInstanceLabel(HasMetadata secondary) {
        Map<String, String> labels = secondary.getMetadata().getLabels();
        String name = labels == null ? null : labels.get(AgentLabels.INSTANCE);
        return name == null ? Set.of() : Set.of(new ResourceID(name));
    }

    @Override
    public UpdateControl<ProcModule> reconcile(ProcModule pm, Context<ProcModule> ctx) {
        Cluster cluster = Cluster.observe(ctx);
        List<String> violations = SpecValidator.validate(pm);
        if (!violations.isEmpty()) {
            LOG.info("{}: invalid spec, nothing created: {}", pm.getMetadata().getName(), violations);
            writeStatus(
                    pm,
                    ctx,
                    cluster,
                    Blocker.invalidSpec(String.join("; ", violations)),
                    false,
                    List.of(),
                    NodePlan.NONE);
            return UpdateControl.noUpdate();
        }
        Optional<ProcModule> older =
                Conflicts.olderOverlapping(pm, ctx.getPrimaryCache().list().toList(), cluster.nodes());
        if (older.isPresent()) {
            String message = "ProcModule " + older.get().getMetadata().getName() + " already loads module "
                    + ModuleName.forEntry(pm.getSpec().getEntryName())
                    + " on some of the same nodes; nothing is created"
                    + " for this one until that one is deleted or no longer shares a node";
            LOG.info(
                    "{}: conflict with {}, nothing created",
                    pm.getMetadata().getName(),
                    older.get().getMetadata().getName());
            writeStatus(pm, ctx, cluster, Blocker.conflict(message), false, List.of(), NodePlan.NONE);
            return UpdateControl.<ProcModule>noUpdate().rescheduleAfter(config.recheckInterval());
        }

        AgentConfig agent = AgentConfig.of(pm, config.agentImage());
        List<Node> desired = NodeSelection.desired(
                pm.getSpec().getNodeSelector(), pm.getSpec().getTolerations(), cluster.nodes().stream());
        new DaemonSets(ctx.getClient())
                .ensure(
                        pm,
                        DesiredDaemonSet.render(pm, config.namespace(), agent),
                        ctx.getSecondaryResource(DaemonSet.class),
                        cluster.daemonSetCache());
        NodePlan plan = NodePlan.decide(
                pm.getMetadata().getName(),
                false,
                desired,
                cluster.nodes(),
                cluster.agentPods(),
                cluster.unloadPods(),
                Instant.now(),
                config.unloadTimeout());
        nodeActions(ctx).apply(pm, plan, agent, cluster.podCache());
        writeStatus(pm, ctx, cluster, null, false, desired, plan);
        return plan.nothingToUnload()
                ? UpdateControl.noUpdate()
                : UpdateControl.<ProcModule>noUpdate().rescheduleAfter(config.recheckInterval());
    }

    @Override
    public DeleteControl cleanup(ProcModule pm, Context<ProcModule> ctx) {
        Cluster cluster = Cluster.observe(ctx);
        ctx.getSecondaryResource(DaemonSet.class).ifPresent(ds -> new DaemonSets(ctx.getClient()).delete(pm, ds));
        NodePlan plan = NodePlan.decide(
                pm.getMetadata().getName(),
                true,
                List.of(),
                cluster.nodes(),
                cluster.agentPods(),
                cluster.unloadPods(),
                Instant.now(),
                config.unloadTimeout());
        nodeActions(ctx).apply(pm, plan, unloadConfig(pm), cluster.podCache());
        if (plan.nothingToUnload()) {
            LOG.info(
                    "{}: every node unloaded or abandoned; removing the finalizer",
                    pm.getMetadata().getName());
            return DeleteControl.defaultDelete();
        }
        writeStatus(pm, ctx, cluster, null, true, List.of(), plan);
        return DeleteControl.noFinalizerRemoval()
                .rescheduleAfter(config.recheckInterval().toMillis());
    }

    /** Unloading uses the entry the module was loaded with (the status records it), not a later edit. */
    private AgentConfig unloadConfig(ProcModule pm) {
        ProcModuleStatus status = pm.getStatus();
        String entry = status != null && status.getEntryName() != null
                ? status.getEntryName()
                : pm.getSpec().getEntryName();
        return new AgentConfig(entry, pm.getSpec().getMessage(), ModuleName.forEntry(entry), config.agentImage());
    }

    private NodeActions nodeActions(Context<ProcModule> ctx) {
        return new NodeActions(ctx.getClient(), config, new EventRecorder(ctx.getClient(), config.namespace()));
    }

    /**
     * Status is written with a PUT to /status locked to the resourceVersion the reconcile started
     * from ({@code updateStatusAndCacheResource}: retried on conflict, result put into the cache),
     * then {@code noUpdate()}. Why not {@code UpdateControl.patchStatus}: with server-side apply off
     * (see ProcModuleOperator) it sends a JSON Patch diffed against a possibly stale cached object and
     * without a resourceVersion, which can duplicate entries of the nodes list. Nothing is written when
     * the status is unchanged.
     */
    private void writeStatus(
            ProcModule pm,
            Context<ProcModule> ctx,
            Cluster cluster,
            Blocker blocker,
            boolean deleting,
            List<Node> desired,
            NodePlan plan) {
        boolean applied =
                blocker == null || pm.getStatus() != null && pm.getStatus().getEntryName() != null;
        String entry = applied ? unloadConfig(pm).entryName() : null;
        AgentConfig agent = AgentConfig.of(pm, config.agentImage());
        ProcModuleStatus next = StatusAggregator.aggregate(new StatusInput(
                pm.getMetadata().getGeneration() == null ? 0 : pm.getMetadata().getGeneration(),
                pm.getStatus(),
                entry,
                entry == null ? null : ModuleName.forEntry(entry),
                blocker,
                deleting,
                desired,
                agent.hash(),
                cluster.agentPods(),
                plan.unloadNodes(),
                cluster.unloadPods(),
                Instant.now()));
        ProcModuleStatus previous = pm.getStatus();
        if (StatusAggregator.same(previous, next)) {
            return;
        }
        // The utility may apply the change to pm itself: previous is captured above.
        PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(pm, ctx, r -> {
            r.setStatus(next);
            return r;
        });
        LOG.info(
                "{}: status {} {} (generation {})",
                pm.getMetadata().getName(),
                next.getPhase(),
                next.getReady(),
                next.getObservedGeneration());
        EventRecorder recorder = new EventRecorder(ctx.getClient(), config.namespace());
        StatusEvents.between(previous, next).forEach(e -> recorder.record(pm, e));
    }
}
