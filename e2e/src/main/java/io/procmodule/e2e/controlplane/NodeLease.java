package io.procmodule.e2e.controlplane;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's heartbeat as the kubelet keeps it: its Lease in {@code kube-node-lease}, renewed every
 * quarter of its duration. Without it the node lifecycle controller marks the node unreachable and
 * taints it after its grace period, as it would a dead kubelet.
 */
public final class NodeLease {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLease.class);
    private static final String NAMESPACE = "kube-node-lease";
    private static final int DURATION_SECONDS = 40;

    /** How often {@link #renew} should run: the kubelet's rate. */
    public static final Duration RENEW_INTERVAL = Duration.ofSeconds(DURATION_SECONDS / 4);

    private NodeLease() {}

    /** Creates or renews the node's Lease as the node itself; a failure is logged, the next renewal retries. */
    public static void renew(KubernetesClient nodeClient, String node) {
        try {
            ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            Lease existing =
                    nodeClient.leases().inNamespace(NAMESPACE).withName(node).get();
            if (existing == null) {
                nodeClient
                        .resource(new LeaseBuilder()
                                .withNewMetadata()
                                .withName(node)
                                .withNamespace(NAMESPACE)
                                .endMetadata()
                                .withNewSpec()
                                .withHolderIdentity(node)
                                .withLeaseDurationSeconds(DURATION_SECONDS)
                                .withRenewTime(now)
                                .endSpec()
                                .build())
                        .create();
            } else {
                existing.getSpec().setRenewTime(now);
                nodeClient.resource(existing).update();
            }
        } catch (KubernetesClientException e) {
            LOG.warn("{}: lease renewal failed: {}", node, e.getMessage());
        }
    }
}
