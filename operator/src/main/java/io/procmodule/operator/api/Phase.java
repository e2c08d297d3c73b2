package io.procmodule.operator.api;

/** One word for the printer column; the conditions carry the detail. */
public enum Phase {
    /** The configuration is being rolled out or nodes are being unloaded. */
    Progressing,
    /** Every selected node is verified. */
    Ready,
    /**
     * No node matches the nodeSelector and tolerations, so nothing is loaded anywhere: not Ready, since
     * a typo in the selector must not pass {@code kubectl wait --for=condition=Ready}.
     */
    NoMatchingNodes,
    /** At least one selected node failed. */
    Degraded,
    /** Nothing is done for this resource: its spec is invalid or it conflicts with another one. */
    Failed,
    /** The resource is being deleted and nodes are being unloaded. */
    Deleting
}
