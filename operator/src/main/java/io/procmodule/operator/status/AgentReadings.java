package io.procmodule.operator.status;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Agent pod readings kept between reconciles of one resource. The pod informer replaces a pod's
 * object on every change, so a pod object seen before, under the same configuration hash, reads the
 * same: at thousands of nodes a reconcile then reads only the pods that changed. Not thread-safe:
 * JOSDK never reconciles one resource twice at once. A fresh instance gives the same readings.
 */
public final class AgentReadings {
    private Map<Pod, NodeReading> previous = new IdentityHashMap<>();
    private Map<Pod, NodeReading> current = new IdentityHashMap<>();
    private String configHash;

    /** Starts a reconcile's readings: what the last one read is kept only for the pods read again. */
    void begin(String currentConfigHash) {
        previous = currentConfigHash.equals(configHash) ? current : new IdentityHashMap<>();
        current = new IdentityHashMap<>(Math.max(16, previous.size() * 4 / 3 + 1));
        configHash = currentConfigHash;
    }

    NodeReading of(Pod pod) {
        NodeReading reading = previous.get(pod);
        if (reading == null) {
            reading = PodReadings.agent(pod, configHash);
        }
        current.put(pod, reading);
        return reading;
    }
}
