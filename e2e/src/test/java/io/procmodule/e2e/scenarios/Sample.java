package io.procmodule.e2e.scenarios;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.procmodule.e2e.RepoFiles;
import io.procmodule.e2e.cluster.Cluster;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;

/** The shipped sample (deploy/samples/hello-proc.yaml) and resources built like it. */
public final class Sample {
    public static final String PATH = "deploy/samples/hello-proc.yaml";
    public static final String NAME = "hello-proc";
    /** The sample's spec.entryName: its module serves /proc/hello_world. */
    public static final String ENTRY = "hello_world";

    private Sample() {}

    /** The sample exactly as a user applies it. */
    public static ProcModule fromFile() {
        return new KubernetesSerialization().unmarshal(RepoFiles.read(PATH), ProcModule.class);
    }

    /** A resource with the default spec and the given name. */
    public static ProcModule resource(String name) {
        ProcModule pm = new ProcModule();
        pm.setMetadata(new ObjectMetaBuilder().withName(name).build());
        return pm;
    }

    public static ProcModule resource(String name, String entryName, String message) {
        ProcModule pm = resource(name);
        pm.getSpec().setEntryName(entryName);
        pm.getSpec().setMessage(message);
        return pm;
    }

    /** Applies the sample (idempotent) and waits until it is Ready. */
    public static ProcModule applyAndAwaitReady(Cluster cluster) {
        cluster.apply(fromFile());
        return cluster.awaitCondition(NAME, ProcModuleStatus.CONDITION_READY, "True", cluster.rolloutTimeout());
    }
}
