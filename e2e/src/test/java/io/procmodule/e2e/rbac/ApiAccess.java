package io.procmodule.e2e.rbac;

/**
 * One API request as RBAC sees it: API group, resource (with subresource, e.g. {@code pods/status}),
 * verb, and namespace (null for cluster-scoped requests).
 */
public record ApiAccess(String group, String resource, String verb, String namespace) {
    @Override
    public String toString() {
        return verb + " " + (group.isEmpty() ? "" : group + "/") + resource
                + (namespace == null ? " (cluster-wide)" : " in " + namespace);
    }
}
