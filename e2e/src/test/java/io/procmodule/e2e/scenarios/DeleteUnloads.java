package io.procmodule.e2e.scenarios;

import io.procmodule.e2e.cluster.Cluster;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;

/** Deleting a resource unloads its module from every node before the object disappears. */
public final class DeleteUnloads implements Scenario {
    private static final String NAME = "e2e-delete";
    private static final String ENTRY = "e2e_delete";

    @Override
    public void run(Cluster cluster) {
        cluster.apply(Sample.resource(NAME, ENTRY, "delete me"));
        ProcModule ready =
                cluster.awaitCondition(NAME, ProcModuleStatus.CONDITION_READY, "True", cluster.rolloutTimeout());
        NodeChecks.everyNodeServes(cluster, ready);

        NodeChecks.deleteAndAwaitGone(cluster, NAME);
        NodeChecks.goneFromEveryNode(cluster, ENTRY);
    }
}
