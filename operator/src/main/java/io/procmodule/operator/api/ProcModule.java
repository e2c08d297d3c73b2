package io.procmodule.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Puts the hello_proc kernel module on the selected nodes. Cluster-scoped (no {@code Namespaced}):
 * a kernel module is a node-wide resource, so the object that owns it is too.
 */
@Group(ProcModule.GROUP)
@Version(ProcModule.VERSION)
@Plural(ProcModule.PLURAL)
@ShortNames("pm")
@AdditionalPrinterColumn(name = "Entry", jsonPath = ".spec.entryName", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
// The name ends up in "procmodule-<name>" (DaemonSet, pod labels) and in the node label key
// "procmodule.io/<name>", both limited to 63 characters.
@ValidationRule(
        value = "self.metadata.name.size() <= " + ProcModule.MAX_NAME_LENGTH + " && self.metadata.name.matches('"
                + ProcModule.NAME_PATTERN + "')",
        message = "metadata.name must be a DNS-1123 label of at most " + ProcModule.MAX_NAME_LENGTH + " characters")
public class ProcModule extends CustomResource<ProcModuleSpec, ProcModuleStatus> {
    public static final String GROUP = "procmodule.io";
    public static final String VERSION = "v1alpha1";
    public static final String PLURAL = "procmodules";
    public static final int MAX_NAME_LENGTH = 50;
    public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    public ProcModule() {
        setSpec(new ProcModuleSpec());
    }

    @Override
    @JsonPropertyDescription("What to load where: the /proc entry, its text, and the nodes that get the module.")
    public ProcModuleSpec getSpec() {
        return super.getSpec();
    }

    @Override
    @JsonPropertyDescription("What the operator observed: per-node and overall state.")
    public ProcModuleStatus getStatus() {
        return super.getStatus();
    }

    @Override
    protected ProcModuleStatus initStatus() {
        // Status only ever comes from the reconciler's aggregation; an empty one would be a lie.
        return null;
    }
}
