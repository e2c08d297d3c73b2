package io.procmodule.operator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.procmodule.operator.reconciler.ProcModuleReconciler;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The operator process: configuration from the environment, health/metrics endpoints, the reconciler. */
public final class ProcModuleOperator {
    static final String LEASE_NAME = "procmodule-operator";
    private static final Logger LOG = LoggerFactory.getLogger(ProcModuleOperator.class);
    /**
     * Buckets for JOSDK's reconcile timers and the reconciler's own compute timers, so that percentiles
     * can be computed over any window from /metrics (hack/bench-scale reads p50/p99 from them). The
     * compute timers' buckets start at 10 microseconds: a reconcile that reads only what changed takes
     * well under the default first bucket's millisecond.
     */
    static final MeterFilter RECONCILE_HISTOGRAM = new MeterFilter() {
        @Override
        public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
            if (id.getName().startsWith(ProcModuleReconciler.COMPUTE_TIMER)) {
                return DistributionStatisticConfig.builder()
                        .percentilesHistogram(true)
                        .minimumExpectedValue((double) TimeUnit.MICROSECONDS.toNanos(10))
                        .build()
                        .merge(config);
            }
            return id.getName().startsWith("operator.sdk.controllers.execution.")
                    ? DistributionStatisticConfig.builder()
                            .percentilesHistogram(true)
                            .build()
                            .merge(config)
                    : config;
        }
    };

    private ProcModuleOperator() {}

    public static void main(String[] args) throws IOException {
        OperatorConfig config = OperatorConfig.fromEnv(System.getenv());
        KubernetesClient client = client(config);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(RECONCILE_HISTOGRAM);
        Operator operator = create(client, config, registry);
        HttpEndpoints http = HttpEndpoints.start(config.httpPort(), operator, registry);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            LOG.info("stopping");
                            operator.stop();
                            http.stop();
                            client.close();
                        },
                        "shutdown"));
        LOG.info(
                "starting: namespace {}, agent image {}, leader election {}, unload timeout {}, http port {}",
                config.namespace(),
                config.agentImage(),
                config.leaderElection(),
                config.unloadTimeout(),
                config.httpPort());
        operator.start();
    }

    /** A client configured as kubectl's (kubeconfig, or in-cluster), with the operator's request timeout. */
    static KubernetesClient client(OperatorConfig config) {
        Config kube = Config.autoConfigure(null);
        kube.setRequestTimeout(Math.toIntExact(config.requestTimeout().toMillis()));
        return new KubernetesClientBuilder().withConfig(kube).build();
    }

    /**
     * The operator as production runs it; the tests start exactly this, on the real API server
     * (e2e) and on fabric8's mock server where API faults are injected.
     *
     * <p>Writes are optimistic-locked, not server-side applied: status is a PUT to /status carrying
     * the resourceVersion it was computed from (see ProcModuleReconciler#report), the DaemonSet a
     * create/update with its resourceVersion. A write computed from a stale cache is then refused
     * (409) and recomputed, never merged into a newer object. JOSDK's non-SSA status patch would
     * send an unlocked JSON Patch diffed against its cache instead, hence SSA switched off here means
     * "our locked writes", not JOSDK's patches.
     */
    public static Operator create(KubernetesClient client, OperatorConfig config, MeterRegistry registry) {
        Operator operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                    // The caller owns the client (main closes it on shutdown, tests share it across operators).
                    .withCloseClientOnStop(false)
                    .withCacheSyncTimeout(config.cacheSyncTimeout())
                    .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
            if (config.leaderElection()) {
                if (config.podName() == null) {
                    throw new IllegalArgumentException(
                            "LEADER_ELECTION=true needs POD_NAME (downward API) as the identity");
                }
                o.withLeaderElectionConfiguration(
                        LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(LEASE_NAME)
                                .withLeaseNamespace(config.podNamespace())
                                .withIdentity(config.podName())
                                .withLeaseDuration(config.leaseDuration())
                                .withRenewDeadline(config.renewDeadline())
                                .withRetryPeriod(config.leaseRetryPeriod())
                                .withLeaderCallbacks(LeadershipLoss.exitUnlessShuttingDown())
                                .withExitOnStopLeading(false)
                                .build());
            }
        });
        operator.register(ProcModuleReconciler.create(client, config, Clock.systemUTC(), registry));
        return operator;
    }
}
