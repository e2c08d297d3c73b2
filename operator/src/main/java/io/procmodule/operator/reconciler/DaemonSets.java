package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.procmodule.operator.agent.DesiredDaemonSet;
import io.procmodule.operator.api.ProcModule;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, updates and deletes the agent DaemonSet with plain create/update calls (no server-side
 * apply, matching the primary-resource strategy; see ProcModuleOperator). Updates are locked to the
 * resourceVersion seen, so a concurrent change fails the reconcile and it is retried.
 */
class DaemonSets {
    private static final Logger LOG = LoggerFactory.getLogger(DaemonSets.class);
    private final KubernetesClient client;

    DaemonSets(KubernetesClient client) {
        this.client = client;
    }

    void ensure(
            ProcModule pm,
            DaemonSet desired,
            Optional<DaemonSet> actual,
            InformerEventSource<DaemonSet, ProcModule> cache) {
        String name = pm.getMetadata().getName();
        String where = desired.getMetadata().getNamespace() + "/"
                + desired.getMetadata().getName();
        if (actual.isEmpty()) {
            // A 409 is not swallowed: whether the DaemonSet exists but is not cached yet or belongs
            // to someone else, only a retry (with backoff, the error shown on the resource) tells.
            DaemonSet created = client.resource(desired).create();
            cache.handleRecentResourceCreate(ResourceID.fromResource(created), created);
            LOG.info("{}: created DaemonSet {} (config {})", name, where, DesiredDaemonSet.configHash(desired));
        } else if (!Objects.equals(DesiredDaemonSet.specHash(actual.get()), DesiredDaemonSet.specHash(desired))) {
            desired.getMetadata().setResourceVersion(actual.get().getMetadata().getResourceVersion());
            DaemonSet updated = client.resource(desired).update();
            cache.handleRecentResourceUpdate(ResourceID.fromResource(updated), updated, actual.get());
            LOG.info(
                    "{}: updated DaemonSet {} (config {} -> {})",
                    name,
                    where,
                    DesiredDaemonSet.configHash(actual.get()),
                    DesiredDaemonSet.configHash(desired));
        }
    }

    void delete(ProcModule pm, DaemonSet actual) {
        client.resource(actual).delete();
        LOG.info(
                "{}: deleted DaemonSet {}/{}",
                pm.getMetadata().getName(),
                actual.getMetadata().getNamespace(),
                actual.getMetadata().getName());
    }
}
