package io.procmodule.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;
import org.junit.jupiter.api.Test;

class StatusWritesTest {
    private final StatusWrites writes = new StatusWrites(new KubernetesSerialization()::clone);

    @Test
    void aReconcileStartsFromTheLastWriteWhileTheCacheIsOlder() {
        writes.wrote(pm("a", "uid-a", "120", "written"));

        ProcModule latest = writes.latest(pm("a", "uid-a", "100", "cached"));

        assertThat(latest.getMetadata().getResourceVersion()).isEqualTo("120");
        assertThat(latest.getStatus().getReady()).isEqualTo("written");
    }

    @Test
    void theCacheWinsWhileItHoldsTheWriteOrANewerVersion() {
        writes.wrote(pm("a", "uid-a", "120", "written"));
        assertThat(readyOfLatest("a", "uid-a", "120", "cached")).isEqualTo("cached");
        assertThat(readyOfLatest("a", "uid-a", "140", "someone else's")).isEqualTo("someone else's");
    }

    @Test
    void aCacheThatGoesBackAfterHoldingTheWriteIsStillNotUsed() {
        writes.wrote(pm("a", "uid-a", "120", "written"));
        writes.latest(pm("a", "uid-a", "120", "cached"));

        assertThat(readyOfLatest("a", "uid-a", "100", "an older event delivered late"))
                .isEqualTo("written");
    }

    @Test
    void aChangeToTheCopyHandedOutDoesNotChangeWhatIsRemembered() {
        writes.wrote(pm("a", "uid-a", "120", "written"));

        writes.latest(pm("a", "uid-a", "100", "cached")).getStatus().setReady("changed by a reconcile");

        assertThat(readyOfLatest("a", "uid-a", "100", "cached")).isEqualTo("written");
    }

    @Test
    void aResourceRecreatedUnderTheSameNameIsNotTakenForTheOldOne() {
        writes.wrote(pm("a", "uid-old", "120", "written"));

        assertThat(readyOfLatest("a", "uid-new", "110", "recreated")).isEqualTo("recreated");
    }

    @Test
    void versionsThatAreNotNumbersAreNotCompared() {
        writes.wrote(pm("a", "uid-a", "v2", "written"));

        assertThat(readyOfLatest("a", "uid-a", "100", "cached")).isEqualTo("cached");
    }

    @Test
    void eachResourceOnItsOwnAndForgottenOnDeletion() {
        writes.wrote(pm("a", "uid-a", "120", "written a"));
        assertThat(readyOfLatest("b", "uid-b", "100", "cached b")).isEqualTo("cached b");

        writes.forget("a");

        assertThat(readyOfLatest("a", "uid-a", "100", "cached a")).isEqualTo("cached a");
    }

    /** The ready column of what a reconcile handed {@code pm(...)} by the cache would start from. */
    private String readyOfLatest(String name, String uid, String resourceVersion, String ready) {
        return writes.latest(pm(name, uid, resourceVersion, ready)).getStatus().getReady();
    }

    private static ProcModule pm(String name, String uid, String resourceVersion, String ready) {
        ProcModule pm = new ProcModule();
        pm.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withUid(uid)
                .withResourceVersion(resourceVersion)
                .build());
        ProcModuleStatus status = new ProcModuleStatus();
        status.setReady(ready);
        pm.setStatus(status);
        return pm;
    }
}
