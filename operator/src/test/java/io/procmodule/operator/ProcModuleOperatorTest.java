package io.procmodule.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.procmodule.operator.reconciler.ProcModuleReconciler;
import io.procmodule.operator.testing.RunningOperator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class ProcModuleOperatorTest {
    KubernetesClient client;

    @Test
    void configurationComesFromTheEnvironment() {
        OperatorConfig defaults = OperatorConfig.fromEnv(Map.of());
        assertThat(defaults.namespace()).isEqualTo("procmodule-system");
        assertThat(defaults.agentImage()).isEqualTo("localhost/procmodule/agent:0.1.0");
        assertThat(defaults.leaderElection()).isFalse();
        assertThat(defaults.httpPort()).isEqualTo(8080);
        assertThat(defaults.unloadTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.recheckInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.requestTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.cacheSyncTimeout()).isEqualTo(Duration.ofMinutes(10));

        OperatorConfig set = OperatorConfig.fromEnv(Map.ofEntries(
                Map.entry("OPERATOR_NAMESPACE", "ops"),
                Map.entry("AGENT_IMAGE", "r/a:1"),
                Map.entry("LEADER_ELECTION", "true"),
                Map.entry("POD_NAME", "op-0"),
                Map.entry("POD_NAMESPACE", "ops"),
                Map.entry("HTTP_PORT", "9090"),
                Map.entry("UNLOAD_TIMEOUT", "PT30S"),
                Map.entry("LEASE_DURATION", "PT60S"),
                Map.entry("RECHECK_INTERVAL", "PT2S"),
                Map.entry("REQUEST_TIMEOUT", "PT20S"),
                Map.entry("CACHE_SYNC_TIMEOUT", "PT30M")));
        assertThat(set)
                .isEqualTo(new OperatorConfig(
                        "ops",
                        "r/a:1",
                        true,
                        "op-0",
                        "ops",
                        9090,
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(20),
                        Duration.ofMinutes(30)));
        assertThat(List.of(set.renewDeadline(), set.leaseRetryPeriod()))
                .containsExactly(Duration.ofSeconds(40), Duration.ofSeconds(8));
        assertThat(List.of(defaults.leaseDuration(), defaults.renewDeadline(), defaults.leaseRetryPeriod()))
                .as("Kubernetes' own")
                .containsExactly(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
        assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("LEASE_DURATION", "PT5S")))
                .hasMessageContaining("LEASE_DURATION");
        assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("LEADER_ELECTION", "yes")))
                .hasMessageContaining("LEADER_ELECTION");
        assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("RECHECK_INTERVAL", "PT0S")))
                .hasMessageContaining("RECHECK_INTERVAL must be positive");
        assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("CACHE_SYNC_TIMEOUT", "-PT1M")))
                .hasMessageContaining("CACHE_SYNC_TIMEOUT must be positive");
        assertThatThrownBy(() -> ProcModuleOperator.create(
                        client,
                        OperatorConfig.fromEnv(Map.of("LEADER_ELECTION", "true")),
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)))
                .hasMessageContaining("POD_NAME");
    }

    @Test
    void theClientAndTheSdkUseTheConfiguredTimeouts() {
        OperatorConfig config =
                OperatorConfig.fromEnv(Map.of("REQUEST_TIMEOUT", "PT45S", "CACHE_SYNC_TIMEOUT", "PT7M"));
        try (KubernetesClient configured = ProcModuleOperator.client(config)) {
            assertThat(configured.getConfiguration().getRequestTimeout()).isEqualTo(45_000);
        }
        Operator operator =
                ProcModuleOperator.create(client, config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        assertThat(operator.getConfigurationService().cacheSyncTimeout()).isEqualTo(Duration.ofMinutes(7));
    }

    @Test
    void computeTimersResolveReconcilesUnderAMillisecond() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(ProcModuleOperator.RECONCILE_HISTOGRAM);
        Timer.builder(ProcModuleReconciler.COMPUTE_TIMER).register(registry).record(Duration.ofNanos(50_000));

        Pattern bucket = Pattern.compile("procmodule_reconcile_compute_seconds_bucket\\{le=\"([^\"]+)\"} (\\S+)");
        Matcher m = bucket.matcher(registry.scrape());
        double smallestHolding = Double.POSITIVE_INFINITY;
        while (m.find()) {
            if (Double.parseDouble(m.group(2)) >= 1 && !m.group(1).equals("+Inf")) {
                smallestHolding = Math.min(smallestHolding, Double.parseDouble(m.group(1)));
            }
        }
        assertThat(smallestHolding)
                .as("the first bucket that counts a 50 us reconcile")
                .isBetween(50e-6, 100e-6);
    }

    @Test
    void servesHealthReadinessAndMetrics() throws Exception {
        RunningOperator.installCrd(client);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Operator operator = ProcModuleOperator.create(client, OperatorConfig.defaults(), registry);
        HttpEndpoints http = HttpEndpoints.start(0, operator, registry);
        try {
            assertThat(get(http, "/readyz").statusCode()).as("not started yet").isEqualTo(503);
            operator.start();
            assertThat(get(http, "/readyz").statusCode()).isEqualTo(200);
            assertThat(get(http, "/healthz").statusCode()).isEqualTo(200);
            HttpResponse<String> metrics = get(http, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("operator_sdk");
        } finally {
            operator.stop();
            http.stop();
        }
    }

    private static HttpResponse<String> get(HttpEndpoints http, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + http.port() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
