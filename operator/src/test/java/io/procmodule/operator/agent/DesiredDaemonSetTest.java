package io.procmodule.operator.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.reconciler.NodeSelection;
import io.procmodule.operator.testing.KubeletEnv;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DesiredDaemonSetTest {
    static final String NS = "procmodule-system";
    static final String IMAGE = "registry.example/procmodule/agent:0.1.0";

    static ProcModule pm(String name) {
        ProcModule pm = new ProcModule();
        pm.setMetadata(
                new ObjectMetaBuilder().withName(name).withUid("uid-" + name).build());
        return pm;
    }

    static DaemonSet render(ProcModule pm) {
        return DesiredDaemonSet.render(pm, NS, AgentConfig.of(pm, IMAGE));
    }

    @Test
    void setsOnlyTheFieldsMarkedOperatorInTheTemplate() {
        ProcModule pm = pm("hello");
        pm.getSpec().setEntryName("my-entry.v2");
        pm.getSpec().setMessage("it's a $(shell) `test` ; rm -rf /");
        pm.getSpec().setNodeSelector(Map.of("kubernetes.io/os", "linux"));
        pm.getSpec()
                .setTolerations(List.of(new TolerationBuilder()
                        .withKey("dedicated")
                        .withOperator("Exists")
                        .build()));
        pm.getSpec().getRollout().setMaxUnavailable(new IntOrString("25%"));
        DaemonSet ds = render(pm);

        assertThat(ds.getMetadata().getName()).isEqualTo("procmodule-hello");
        assertThat(ds.getMetadata().getNamespace()).isEqualTo(NS);
        assertThat(ds.getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/instance", "hello")
                .containsEntry("app.kubernetes.io/managed-by", "procmodule-operator");
        assertThat(ds.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("ProcModule");
            assertThat(o.getApiVersion()).isEqualTo("procmodule.io/v1alpha1");
            assertThat(o.getUid()).isEqualTo("uid-hello");
            assertThat(o.getController()).isTrue();
        });
        assertThat(ds.getSpec().getSelector().getMatchLabels())
                .isEqualTo(Map.of(
                        "app.kubernetes.io/name",
                        "procmodule-agent",
                        "app.kubernetes.io/component",
                        "node-agent",
                        "app.kubernetes.io/instance",
                        "hello"));
        assertThat(ds.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(ds.getSpec().getSelector().getMatchLabels());
        assertThat(ds.getSpec()
                        .getUpdateStrategy()
                        .getRollingUpdate()
                        .getMaxUnavailable()
                        .getStrVal())
                .isEqualTo("25%");
        var podSpec = ds.getSpec().getTemplate().getSpec();
        // The spec's selector, and only nodes the operator recorded first.
        assertThat(podSpec.getNodeSelector())
                .isEqualTo(Map.of("kubernetes.io/os", "linux", "procmodule.io/hello", "hello_proc_my_entry_v2"));
        assertThat(podSpec.getTolerations()).extracting(Toleration::getKey).containsExactly("dedicated");
        assertThat(ds.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry(
                        AgentLabels.CONFIG_HASH, AgentConfig.of(pm, IMAGE).hash());
        // The message reaches the agent only as an environment value, never through a shell.
        for (Container c : containers(ds).toList()) {
            assertThat(c.getImage()).isEqualTo(IMAGE);
            assertThat(env(c))
                    .containsEntry("PM_ENTRY_NAME", "my-entry.v2")
                    .containsEntry("PM_MESSAGE", "it's a $$(shell) `test` ; rm -rf /")
                    .containsEntry("PM_MODULE_NAME", "hello_proc_my_entry_v2");
            assertThat(c.getCommand()).doesNotContain(pm.getSpec().getMessage());
        }
        assertThat(podSpec.getInitContainers().get(0).getEnv())
                .extracting(EnvVar::getName)
                .contains("PM_NODE_NAME");

        // Golden check: undo the operator's fields and the template itself must come back.
        DaemonSet template = Templates.load(DesiredDaemonSet.TEMPLATE, DaemonSet.class);
        ds.setMetadata(template.getMetadata());
        ds.getSpec().setSelector(template.getSpec().getSelector());
        ds.getSpec().setUpdateStrategy(template.getSpec().getUpdateStrategy());
        ds.getSpec().getTemplate().setMetadata(template.getSpec().getTemplate().getMetadata());
        var t = template.getSpec().getTemplate().getSpec();
        podSpec.setNodeSelector(t.getNodeSelector());
        podSpec.setTolerations(t.getTolerations());
        List<Container> templateContainers = Stream.concat(t.getInitContainers().stream(), t.getContainers().stream())
                .toList();
        List<Container> rendered = containers(ds).toList();
        for (int i = 0; i < rendered.size(); i++) {
            rendered.get(i).setImage(templateContainers.get(i).getImage());
            rendered.get(i).setEnv(templateContainers.get(i).getEnv());
        }
        assertThat(Templates.SERIALIZATION.asYaml(ds)).isEqualTo(Templates.SERIALIZATION.asYaml(template));
    }

    @Test
    void hashesFollowTheConfiguration() {
        ProcModule a = pm("hello");
        ProcModule b = pm("hello");
        assertThat(DesiredDaemonSet.specHash(render(a))).isEqualTo(DesiredDaemonSet.specHash(render(b)));
        assertThat(DesiredDaemonSet.configHash(render(a))).isEqualTo(DesiredDaemonSet.configHash(render(b)));

        b.getSpec()
                .setTolerations(
                        List.of(new TolerationBuilder().withOperator("Exists").build()));
        assertThat(DesiredDaemonSet.specHash(render(b)))
                .as("any rendered change updates the DaemonSet")
                .isNotEqualTo(DesiredDaemonSet.specHash(render(a)));
        assertThat(DesiredDaemonSet.configHash(render(b)))
                .as("tolerations do not change what the agent loads")
                .isEqualTo(DesiredDaemonSet.configHash(render(a)));

        b.getSpec().setMessage("other");
        assertThat(DesiredDaemonSet.configHash(render(b))).isNotEqualTo(DesiredDaemonSet.configHash(render(a)));
    }

    @Test
    void unloadPodIsPinnedToItsNodeWithADeterministicName() {
        ProcModule pm = pm("hello");
        pm.getSpec()
                .setTolerations(List.of(new TolerationBuilder()
                        .withKey("dedicated")
                        .withOperator("Exists")
                        .build()));
        Pod pod = DesiredUnloadPod.render(pm, NS, AgentConfig.of(pm, IMAGE), "node-a");

        assertThat(pod.getMetadata().getName())
                .isEqualTo(DesiredUnloadPod.name("hello", "node-a"))
                .isNotEqualTo(DesiredUnloadPod.name("hello", "node-b"))
                .startsWith("procmodule-unload-hello-");
        assertThat(pod.getMetadata().getNamespace()).isEqualTo(NS);
        assertThat(pod.getSpec().getNodeName()).isEqualTo("node-a");
        assertThat(pod.getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/instance", "hello")
                .containsEntry("app.kubernetes.io/component", "unload");
        assertThat(pod.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(o -> assertThat(o.getController()).isTrue());
        assertThat(pod.getSpec().getTolerations())
                .extracting(Toleration::getKey)
                .contains("dedicated");
        Container c = pod.getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo(IMAGE);
        assertThat(env(c)).containsEntry("PM_MODULE_NAME", "hello_proc").containsEntry("PM_ENTRY_NAME", "hello_world");
    }

    @Test
    void messageReachesTheContainerByteForByteThroughTheKubeletsExpansion() {
        ProcModule pm = pm("hello");
        String message = "costs $$5, $5 or $(PM_NODE_NAME) / $$(PM_NODE_NAME) $(UNDEFINED) $( $";
        pm.getSpec().setMessage(message);
        Pod unload = DesiredUnloadPod.render(pm, NS, AgentConfig.of(pm, IMAGE), "node-a");
        List<Container> all = Stream.concat(containers(render(pm)), unload.getSpec().getContainers().stream())
                .toList();
        Map<String, String> defined = Map.of("PM_NODE_NAME", "node-a", "UNDEFINED", "x");
        for (Container c : all) {
            assertThat(KubeletEnv.expand(env(c).get("PM_MESSAGE"), defined))
                    .as(c.getName())
                    .isEqualTo(message);
            assertThat(KubeletEnv.expand(env(c).get("PM_ENTRY_NAME"), defined)).isEqualTo("hello_world");
        }
    }

    @Test
    void unloadPodRunsOnANodeWhateverItsTaints() {
        Pod pod = DesiredUnloadPod.render(pm("hello"), NS, AgentConfig.of(pm("hello"), IMAGE), "node-a");
        for (String effect : List.of("NoExecute", "NoSchedule", "PreferNoSchedule")) {
            for (Taint taint : List.of(
                    new Taint(effect, "node.kubernetes.io/unreachable", null, null),
                    new Taint(effect, "node.kubernetes.io/unschedulable", null, null),
                    new Taint(effect, "dedicated", null, "gpu"),
                    new Taint(effect, "example.com/maintenance", null, null))) {
                assertThat(NodeSelection.tolerated(pod.getSpec().getTolerations(), List.of(taint)))
                        .as(taint.toString())
                        .isTrue();
            }
        }
    }

    private static Stream<Container> containers(DaemonSet ds) {
        var spec = ds.getSpec().getTemplate().getSpec();
        return Stream.concat(spec.getInitContainers().stream(), spec.getContainers().stream());
    }

    private static Map<String, String> env(Container c) {
        return c.getEnv().stream()
                .filter(e -> e.getValue() != null)
                .collect(java.util.stream.Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }
}
