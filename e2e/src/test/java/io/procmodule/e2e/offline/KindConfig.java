package io.procmodule.e2e.offline;

import java.util.List;
import java.util.Map;

/**
 * The fields of kind's {@code kind.x-k8s.io/v1alpha4} Cluster config (sigs.k8s.io/kind
 * pkg/apis/config/v1alpha4/types.go), so a strict decode catches misspelt or misplaced keys.
 * Rarely used nested structures are kept as plain values.
 */
record KindConfig(
        String kind,
        String apiVersion,
        String name,
        List<Node> nodes,
        Map<String, Object> networking,
        Map<String, Boolean> featureGates,
        Map<String, String> runtimeConfig,
        List<String> kubeadmConfigPatches,
        List<Object> kubeadmConfigPatchesJSON6902,
        List<String> containerdConfigPatches,
        List<Object> containerdConfigPatchesJSON6902) {

    record Node(
            String role,
            String image,
            Map<String, String> labels,
            List<Mount> extraMounts,
            List<Object> extraPortMappings,
            List<String> kubeadmConfigPatches,
            List<Object> kubeadmConfigPatchesJSON6902) {}

    record Mount(String hostPath, String containerPath, Boolean readOnly, Boolean selinuxRelabel, String propagation) {}
}
