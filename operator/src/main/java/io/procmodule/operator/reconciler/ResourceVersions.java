package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * An object's resourceVersion as a number, to tell which of two copies of it is newer. Opaque by
 * contract, but the API server gives etcd's revisions, which grow with every write (JOSDK's
 * {@code parseResourceVersions} option relies on the same). Where one is not a number it is -1, and
 * the callers fall back to what their cache holds.
 */
final class ResourceVersions {
    private ResourceVersions() {}

    static long of(HasMetadata object) {
        String version = object.getMetadata().getResourceVersion();
        try {
            return version == null ? -1 : Long.parseLong(version);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
