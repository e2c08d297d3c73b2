package io.procmodule.operator.api;

/** Where the module stands on one node, as read from the agent and unload pods. */
public enum NodeState {
    /** Selected, but no pod of the current configuration has started working yet. */
    Pending,
    /** The agent's build init container is running. */
    Building,
    /** The agent's load init container is running. */
    Loading,
    /** The monitor container runs but its readiness probe has not passed yet. */
    Verifying,
    /** The agent read back exactly the configured message from /proc/&lt;entry&gt;. */
    Verified,
    /** A container exited non-zero; reason and message are the agent's termination message. */
    Failed,
    /** The node must lose the module and its unload pod has not confirmed yet. */
    Unloading,
    /** The unload pod confirmed the module is gone. */
    Unloaded
}
