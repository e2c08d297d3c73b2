package io.procmodule.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.procmodule.operator.api.ProcModule;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for Kubernetes' garbage collector (the mock has none), for the objects the operator's
 * flow creates: DaemonSets and Pods whose owners (a ProcModule, a DaemonSet) are gone are deleted
 * in the background, as with the default propagation policy. Owners are matched by uid, so an
 * object of a deleted owner is collected even when a namesake owner exists again. Not modelled:
 * foreground deletion, blockOwnerDeletion, orphaning.
 */
public final class GarbageCollector {
    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

    private final KubernetesClient client;

    public GarbageCollector(KubernetesClient client) {
        this.client = client;
    }

    public void sync() {
        // Children are listed before their owners, so a child created meanwhile still finds its owner.
        var pods = client.pods().inAnyNamespace().list().getItems();
        var daemonSets = client.apps().daemonSets().inAnyNamespace().list().getItems();
        Set<String> owners = new HashSet<>();
        daemonSets.forEach(ds -> owners.add(ds.getMetadata().getUid()));
        client.resources(ProcModule.class)
                .list()
                .getItems()
                .forEach(pm -> owners.add(pm.getMetadata().getUid()));
        Stream.concat(daemonSets.stream(), pods.stream())
                .filter(o -> orphaned(o, owners))
                .forEach(this::collect);
    }

    /** Owned, and every owner is gone (an object with one live owner stays, as in Kubernetes). */
    private static boolean orphaned(HasMetadata object, Set<String> liveOwners) {
        List<OwnerReference> refs = object.getMetadata().getOwnerReferences();
        return refs != null && !refs.isEmpty() && refs.stream().noneMatch(r -> liveOwners.contains(r.getUid()));
    }

    private void collect(HasMetadata object) {
        client.resource(object).delete();
        LOG.info(
                "garbage-collected {} {}/{}: its owner is gone",
                object.getClass().getSimpleName(),
                object.getMetadata().getNamespace(),
                object.getMetadata().getName());
    }
}
