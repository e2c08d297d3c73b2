package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When this operator first saw that a node needs an unload, per ProcModule and node, by its own
 * clock. In memory on purpose: API server timestamps would let a skewed operator clock abandon fresh
 * unloads, and a restarted operator starts the wait again, so it may wait longer but never gives up
 * early.
 */
class UnloadTimers {
    private final Map<String, Map<String, Instant>> byResource = new ConcurrentHashMap<>();

    Map<String, Instant> of(String procModule) {
        return Map.copyOf(byResource.getOrDefault(procModule, Map.of()));
    }

    /** Keeps the first time of nodes still to unload, starts {@code now} for new ones, drops the rest. */
    void update(String procModule, List<Node> unloadNodes, Instant now) {
        Map<String, Instant> previous = byResource.getOrDefault(procModule, Map.of());
        Map<String, Instant> next = new HashMap<>();
        for (Node node : unloadNodes) {
            String name = node.getMetadata().getName();
            next.put(name, previous.getOrDefault(name, now));
        }
        if (next.isEmpty()) {
            byResource.remove(procModule);
        } else {
            byResource.put(procModule, next);
        }
    }
}
