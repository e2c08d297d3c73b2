package io.procmodule.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The API server's audit log (one JSON event per line, written before the response is sent): who
 * made each request, what it asked for, what the authorizer decided and what came back.
 */
final class AuditLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request: {@code resource} with its subresource ({@code pods/status}); namespace null when cluster-wide. */
    record Request(
            Instant received,
            String user,
            String verb,
            String group,
            String resource,
            String namespace,
            String name,
            String uri,
            int code,
            String decision) {
        boolean forbidden() {
            return code == 403 || "forbid".equals(decision);
        }

        @Override
        public String toString() {
            return verb + " " + uri + " -> " + code + " (" + decision + ")";
        }
    }

    private AuditLog() {}

    /** The requests {@code user} made, in the order the server completed them. */
    static List<Request> requestsBy(Path log, String user) {
        List<Request> requests = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(log)) {
                JsonNode event = JSON.readTree(line);
                if (!user.equals(event.path("user").path("username").asText())) {
                    continue;
                }
                JsonNode ref = event.path("objectRef");
                String resource = text(ref, "resource");
                String sub = text(ref, "subresource");
                requests.add(new Request(
                        Instant.parse(event.path("requestReceivedTimestamp").asText()),
                        user,
                        event.path("verb").asText(),
                        ref.path("apiGroup").asText(""),
                        resource == null || sub == null ? resource : resource + "/" + sub,
                        text(ref, "namespace"),
                        text(ref, "name"),
                        event.path("requestURI").asText(),
                        event.path("responseStatus").path("code").asInt(),
                        event.path("annotations")
                                .path("authorization.k8s.io/decision")
                                .asText(null)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return requests;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isEmpty() ? null : value.asText();
    }
}
