package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.procmodule.operator.agent.AgentConfig;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.status.ResourceEvent;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records core/v1 Events about a ProcModule. The resource is cluster-scoped, and the API server
 * accepts an Event about a cluster-scoped object only in {@value #NAMESPACE} (any other namespace
 * is refused with "involvedObject.namespace ... does not match event.namespace"), as for Nodes;
 * kubectl describe finds them there through involvedObject. The operator's only right in that
 * namespace is creating Events (deploy/manifests/events-role.yaml). Losing an Event must never
 * fail a reconcile.
 */
public class EventRecorder {
    public static final String NAMESPACE = "default";
    static final String COMPONENT = "procmodule-operator";
    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    private final KubernetesClient client;
    private final Clock clock;

    public EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void record(ProcModule pm, ResourceEvent e) {
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        Event event = new EventBuilder()
                .withNewMetadata()
                .withNamespace(NAMESPACE)
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(pm.getApiVersion())
                .withKind(pm.getKind())
                .withName(pm.getMetadata().getName())
                .withUid(pm.getMetadata().getUid())
                .endInvolvedObject()
                .withType(e.type())
                .withReason(e.reason())
                .withMessage(e.message())
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withNewSource()
                .withComponent(COMPONENT)
                .endSource()
                .withReportingComponent(COMPONENT)
                .build();
        if (e.onceKey() == null) {
            event.getMetadata().setGenerateName(pm.getMetadata().getName() + ".");
        } else {
            event.getMetadata()
                    .setName(pm.getMetadata().getName() + "."
                            + AgentConfig.Hashes.sha256Prefix(e.reason() + "\0" + e.onceKey()));
        }
        try {
            client.v1().events().inNamespace(NAMESPACE).resource(event).create();
            LOG.info("{} event on {}: {}: {}", e.type(), pm.getMetadata().getName(), e.reason(), e.message());
        } catch (KubernetesClientException ex) {
            if (e.onceKey() != null && ex.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return;
            }
            LOG.warn(
                    "could not record event {} on {}: {}",
                    e.reason(),
                    pm.getMetadata().getName(),
                    ex.getMessage());
        }
    }
}
