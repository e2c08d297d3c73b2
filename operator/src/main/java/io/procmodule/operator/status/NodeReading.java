package io.procmodule.operator.status;

import io.procmodule.operator.api.NodeState;

/**
 * What one pod says about its node. The texts are interned: at thousands of nodes most pods say the
 * same, and a resource keeps a reading per node between reconciles.
 */
public record NodeReading(NodeState state, String reason, String message) {
    public NodeReading {
        reason = reason == null ? null : reason.intern();
        message = message == null ? null : message.intern();
    }
}
