package io.procmodule.e2e.rbac;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.procmodule.e2e.RepoFiles;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator's permissions as shipped: the ClusterRole (everywhere), the Role (in its namespace)
 * and the events Role (in "default", where Events about cluster-scoped objects live), expanded
 * into single grants so that each can be checked for use.
 */
public final class RbacRules {
    static final String CLUSTER_ROLE = "deploy/manifests/cluster-role.yaml";
    static final String ROLE = "deploy/manifests/role.yaml";
    static final String EVENTS_ROLE = "deploy/manifests/events-role.yaml";

    /** One verb on one resource of one group; {@code namespace} null for the ClusterRole. */
    public record Grant(String group, String resource, String verb, String namespace, String source) {
        public boolean allows(ApiAccess access) {
            return group.equals(access.group())
                    && resource.equals(access.resource())
                    && verb.equals(access.verb())
                    && (namespace == null || namespace.equals(access.namespace()));
        }

        @Override
        public String toString() {
            return verb + " " + (group.isEmpty() ? "" : group + "/") + resource + " (" + source + ")";
        }
    }

    private final List<Grant> grants;
    private final String namespace;

    private RbacRules(List<Grant> grants, String namespace) {
        this.grants = grants;
        this.namespace = namespace;
    }

    public static RbacRules shipped() {
        KubernetesSerialization serialization = new KubernetesSerialization();
        ClusterRole clusterRole = serialization.unmarshal(RepoFiles.read(CLUSTER_ROLE), ClusterRole.class);
        Role role = serialization.unmarshal(RepoFiles.read(ROLE), Role.class);
        Role eventsRole = serialization.unmarshal(RepoFiles.read(EVENTS_ROLE), Role.class);
        List<Grant> grants = new ArrayList<>();
        expand(
                clusterRole.getRules(),
                null,
                "ClusterRole " + clusterRole.getMetadata().getName(),
                grants);
        expand(role, grants);
        expand(eventsRole, grants);
        return new RbacRules(List.copyOf(grants), role.getMetadata().getNamespace());
    }

    private static void expand(Role role, List<Grant> out) {
        String namespace = role.getMetadata().getNamespace();
        expand(
                role.getRules(),
                namespace,
                "Role " + namespace + "/" + role.getMetadata().getName(),
                out);
    }

    private static void expand(List<PolicyRule> rules, String namespace, String source, List<Grant> out) {
        for (PolicyRule rule : rules) {
            if (rule.getResourceNames() != null && !rule.getResourceNames().isEmpty()) {
                throw new IllegalStateException(source + ": resourceNames are not modelled by this check");
            }
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        out.add(new Grant(group, resource, verb, namespace, source));
                    }
                }
            }
        }
    }

    public List<Grant> grants() {
        return grants;
    }

    /** The namespace of the Role, where the operator and its pods live. */
    public String namespace() {
        return namespace;
    }
}
