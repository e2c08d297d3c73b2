package io.procmodule.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * /healthz (liveness: every informer is healthy), /readyz (the operator started and its caches
 * synced) and /metrics (Prometheus text format), on the JDK's built-in server.
 */
public final class HttpEndpoints {
    private final HttpServer server;

    private HttpEndpoints(HttpServer server) {
        this.server = server;
    }

    public static HttpEndpoints start(int port, Operator operator, PrometheusMeterRegistry registry)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/healthz", probe(() -> operator.getRuntimeInfo().allEventSourcesAreHealthy()));
        server.createContext("/readyz", probe(() -> operator.getRuntimeInfo().isStarted()));
        server.createContext(
                "/metrics",
                exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.start();
        return new HttpEndpoints(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void stop() {
        server.stop(0);
    }

    private static com.sun.net.httpserver.HttpHandler probe(Supplier<Boolean> check) {
        return exchange -> {
            boolean ok = check.get();
            respond(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not ok\n");
        };
    }

    private static void respond(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
