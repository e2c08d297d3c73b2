package io.procmodule.operator.status;

import io.procmodule.operator.api.NodeState;

/** What one pod says about its node. */
public record NodeReading(NodeState state, String reason, String message) {}
