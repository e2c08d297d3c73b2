package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.procmodule.operator.OperatorConfig;
import io.procmodule.operator.agent.AgentConfig;
import io.procmodule.operator.agent.DesiredDaemonSet;
import io.procmodule.operator.api.ModuleName;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;
import io.procmodule.operator.status.ApiError;
import io.procmodule.operator.status.Mode;
import io.procmodule.operator.status.NodeBoard;
import io.procmodule.operator.status.ResourceEvent;
import io.procmodule.operator.status.StatusAggregator;
import io.procmodule.operator.status.StatusEvents;
import io.procmodule.operator.status.StatusInput;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one ProcModule, each time in four steps: observe the cluster (informer caches), decide
 * ({@link Decision}, pure), act (DaemonSet, node labels, unload pods), report (status and events).
 * While the resource lives, the agent DaemonSet is kept as rendered and nodes that leave the
 * selection are unloaded; on deletion (finalizer via {@link Cleaner}) the DaemonSet is deleted and
 * every node unloaded before the resource is let go.
 */
@ControllerConfiguration(
        name = ProcModuleReconciler.NAME,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
public class ProcModuleReconciler implements Reconciler<ProcModule>, Cleaner<ProcModule> {
    public static final String NAME = "procmodule";
    /**
     * Time a reconcile spends on its own work (observe the caches, decide, aggregate the status),
     * without the API calls JOSDK's reconcile timer also counts: what grows with nodes and resources.
     */
    public static final String COMPUTE_TIMER = "procmodule.reconcile.compute";
    /**
     * The same work in CPU time of the reconciling thread: on a busy machine the wall time above also
     * counts waiting for a core and collector pauses; this one is what the work itself costs.
     */
    public static final String COMPUTE_CPU_TIMER = COMPUTE_TIMER + ".cpu";

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static final Logger LOG = LoggerFactory.getLogger(ProcModuleReconciler.class);

    private final OperatorConfig config;
    private final Clock clock;
    private final DaemonSets daemonSets;
    private final NodeActions nodeActions;
    private final EventRecorder events;
    private final Timer computeTime;
    private final Timer computeCpuTime;
    private final StatusWrites statusWrites;
    private final UnloadTimers unloadTimers = new UnloadTimers();
    private final StatusPacing pacing = new StatusPacing();
    private final NodeViews views = new NodeViews();
    private final PodCache pods = new PodCache(views::podChanged);

    ProcModuleReconciler(
            OperatorConfig config,
            Clock clock,
            DaemonSets daemonSets,
            NodeActions nodeActions,
            EventRecorder events,
            StatusWrites statusWrites,
            Timer computeTime,
            Timer computeCpuTime) {
        this.config = config;
        this.clock = clock;
        this.daemonSets = daemonSets;
        this.nodeActions = nodeActions;
        this.events = events;
        this.statusWrites = statusWrites;
        this.computeTime = computeTime;
        this.computeCpuTime = computeCpuTime;
    }

    /** The reconciler with its collaborators, all talking to the API server through {@code client}. */
    public static ProcModuleReconciler create(
            KubernetesClient client, OperatorConfig config, Clock clock, MeterRegistry registry) {
        EventRecorder events = new EventRecorder(client, clock);
        Timer computeTime = Timer.builder(COMPUTE_TIMER)
                .description("observe, decide and status aggregation of one reconcile, without its API calls")
                .register(registry);
        Timer computeCpuTime = Timer.builder(COMPUTE_CPU_TIMER)
                .description("CPU time of the reconciling thread for the same work")
                .register(registry);
        return new ProcModuleReconciler(
                config,
                clock,
                new DaemonSets(client),
                new NodeActions(client, config, events),
                events,
                new StatusWrites(client.getKubernetesSerialization()::clone),
                computeTime,
                computeCpuTime);
    }

    @Override
    public List<EventSource<?, ProcModule>> prepareEventSources(EventSourceContext<ProcModule> context) {
        return Informers.create(context, config.namespace(), pods, node -> {
            views.nodeChanged(node);
            nodeActions.nodeSeen(node);
        });
    }

    @Override
    public UpdateControl<ProcModule> reconcile(ProcModule cached, Context<ProcModule> ctx) {
        ProcModule pm = statusWrites.latest(cached);
        long started = System.nanoTime();
        long startedCpu = THREADS.getCurrentThreadCpuTime();
        Instant now = clock.instant();
        ClusterSnapshot observed = observe(pm, ctx);

        Decision decision = Decision.forSpec(pm, ctx.getPrimaryCache().list().toList(), observed, config, now);
        unloadTimers.update(pm.getMetadata().getName(), decision.plan().unloadNodes(), now);
        ProcModuleStatus next = StatusAggregator.aggregate(statusInput(pm, observed, decision, now));
        recordCompute(started, startedCpu);

        boolean labelling = false;
        if (decision.mode() instanceof Mode.Blocked blocked) {
            LOG.info("{}: {}, nothing created: {}", pm.getMetadata().getName(), blocked.reason(), blocked.message());
            // A conflict found after this resource's DaemonSet exists (a node gained a label): its
            // agent would replace the older resource's module on the shared node, so it must go.
            if (decision.ownsNothing()) {
                ctx.getSecondaryResource(DaemonSet.class).ifPresent(ds -> daemonSets.delete(pm, ds));
            }
        } else {
            daemonSets.ensure(
                    pm,
                    DesiredDaemonSet.render(pm, config.namespace(), decision.agent()),
                    ctx.getSecondaryResource(DaemonSet.class),
                    Informers.daemonSets(ctx));
            labelling = nodeActions.apply(pm, decision.plan(), decision.agent(), Informers.pods(ctx));
        }

        Optional<Duration> paced = report(pm, ctx, next);
        Optional<Duration> recheck =
                decision.needsRecheck() || labelling ? Optional.of(config.recheckInterval()) : Optional.empty();
        return paced.or(() -> recheck)
                .map(after -> UpdateControl.<ProcModule>noUpdate().rescheduleAfter(after))
                .orElseGet(UpdateControl::noUpdate);
    }

    @Override
    public DeleteControl cleanup(ProcModule cached, Context<ProcModule> ctx) {
        ProcModule pm = statusWrites.latest(cached);
        long started = System.nanoTime();
        long startedCpu = THREADS.getCurrentThreadCpuTime();
        Instant now = clock.instant();
        ClusterSnapshot observed = observe(pm, ctx);

        Decision decision = Decision.forDeletion(pm, observed, config, now);
        unloadTimers.update(pm.getMetadata().getName(), decision.plan().unloadNodes(), now);
        ProcModuleStatus next = StatusAggregator.aggregate(statusInput(pm, observed, decision, now));
        recordCompute(started, startedCpu);

        ctx.getSecondaryResource(DaemonSet.class).ifPresent(ds -> daemonSets.delete(pm, ds));
        nodeActions.apply(pm, decision.plan(), decision.agent(), Informers.pods(ctx));

        if (decision.plan().nothingToUnload()) {
            LOG.info(
                    "{}: every node unloaded or abandoned; removing the finalizer",
                    pm.getMetadata().getName());
            pacing.forget(pm.getMetadata().getName());
            views.forget(pm.getMetadata().getName());
            statusWrites.forget(pm.getMetadata().getName());
            return DeleteControl.defaultDelete();
        }
        Duration after = report(pm, ctx, next)
                .filter(paced -> paced.compareTo(config.recheckInterval()) < 0)
                .orElse(config.recheckInterval());
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(after.toMillis());
    }

    private void recordCompute(long started, long startedCpu) {
        computeTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        computeCpuTime.record(THREADS.getCurrentThreadCpuTime() - startedCpu, TimeUnit.NANOSECONDS);
    }

    private ClusterSnapshot observe(ProcModule pm, Context<ProcModule> ctx) {
        return ClusterSnapshot.observe(
                pm, ctx, views, pods, unloadTimers.of(pm.getMetadata().getName()));
    }

    /**
     * A refused API call (applying the DaemonSet, creating an unload pod, labelling a node) reaches
     * the resource as Degraded=True with reason ApiError and a Warning event, each only when the
     * message changed, so retries neither loop on status writes nor repeat events. JOSDK then retries
     * with backoff as usual.
     */
    @Override
    public ErrorStatusUpdateControl<ProcModule> updateErrorStatus(
            ProcModule cached, Context<ProcModule> ctx, Exception e) {
        ApiError.of(e).ifPresent(error -> reportError(statusWrites.latest(cached), ctx, error));
        return ErrorStatusUpdateControl.defaultErrorProcessing();
    }

    private void reportError(ProcModule pm, Context<ProcModule> ctx, ApiError error) {
        ProcModuleStatus previous = pm.getStatus();
        long generation =
                pm.getMetadata().getGeneration() == null ? 0 : pm.getMetadata().getGeneration();
        ProcModuleStatus next = StatusAggregator.withApiError(previous, error, generation, clock.instant());
        if (StatusAggregator.same(previous, next)) {
            return;
        }
        LOG.warn("{}: {}", pm.getMetadata().getName(), error.message());
        try {
            // Merged into the status the write goes to: after a 409 the utility retries on a newer
            // cached resource, whose status must not be replaced by one built from an older one.
            statusWrites.wrote(PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(pm, ctx, r -> {
                r.setStatus(StatusAggregator.withApiError(r.getStatus(), error, generation, clock.instant()));
                return r;
            }));
        } catch (RuntimeException statusFailure) {
            LOG.warn(
                    "{}: could not show the error in the status: {}",
                    pm.getMetadata().getName(),
                    statusFailure.getMessage());
        }
        // Keyed, so even a status that cannot be written never repeats the event on every retry.
        events.record(
                pm,
                ResourceEvent.warning(ApiError.REASON, error.message())
                        .once(pm.getMetadata().getUid() + "\0" + generation + "\0" + error.message()));
    }

    /**
     * Status is written with a PUT to /status locked to the resourceVersion the reconcile started
     * from ({@code updateStatusAndCacheResource}: retried on conflict, result put into the cache;
     * the reconcile starts from the last write while the cache is older, see {@link StatusWrites}),
     * then {@code noUpdate()}. Why not {@code UpdateControl.patchStatus}: with server-side apply off
     * (see ProcModuleOperator) it sends a JSON Patch diffed against a possibly stale cached object and
     * without a resourceVersion, which can duplicate entries of the nodes list. Server-side apply would
     * be correct too, but is not simpler: the PUT needs no field manager and no list-map keys. On the
     * real API server, two operators writing at once while the spec changes get many 409s and every
     * stored status stays consistent (e2e StatusWritesOnApiServerTest). Nothing is written when the
     * status is unchanged; a change that comes too soon after the last write is left to a later
     * reconcile ({@link StatusPacing}), whose delay is returned.
     */
    private Optional<Duration> report(ProcModule pm, Context<ProcModule> ctx, ProcModuleStatus next) {
        ProcModuleStatus previous = pm.getStatus();
        if (StatusAggregator.same(previous, next)) {
            return Optional.empty();
        }
        String name = pm.getMetadata().getName();
        Duration wait = pacing.waitFor(name, clock.instant());
        if (!wait.isZero()) {
            return Optional.of(wait);
        }
        // The utility may apply the change to pm itself: previous is captured above.
        statusWrites.wrote(PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(pm, ctx, r -> {
            r.setStatus(next);
            return r;
        }));
        pacing.wrote(name, clock.instant());
        LOG.info(
                "{}: status {} {} (generation {})",
                name,
                next.getPhase(),
                next.getReady(),
                next.getObservedGeneration());
        StatusEvents.between(previous, next).forEach(e -> events.record(pm, e));
        return Optional.empty();
    }

    /** A blocked resource that never applied anything shows no entry and module names. */
    private StatusInput statusInput(ProcModule pm, ClusterSnapshot observed, Decision decision, Instant now) {
        boolean applied = !(decision.mode() instanceof Mode.Blocked)
                || pm.getStatus() != null && pm.getStatus().getEntryName() != null;
        String entry = applied ? AgentConfig.applied(pm, config.agentImage()).entryName() : null;
        long generation =
                pm.getMetadata().getGeneration() == null ? 0 : pm.getMetadata().getGeneration();
        return new StatusInput(
                decision.mode(),
                new StatusInput.Resource(
                        generation, pm.getStatus(), entry, entry == null ? null : ModuleName.forEntry(entry)),
                decision.agents(),
                NodeBoard.unloads(decision.plan().unloadNodes(), observed.unloadPods()),
                now);
    }
}
