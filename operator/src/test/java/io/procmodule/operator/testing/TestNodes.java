package io.procmodule.operator.testing;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Node objects as a kubelet registers them: hostname label, kernel release, boot id, Ready condition. */
public final class TestNodes {
    private TestNodes() {}

    public static Node node(String name, String kernelRelease) {
        return node(name, kernelRelease, Map.of(), List.of());
    }

    public static Node node(String name, String kernelRelease, Map<String, String> labels, List<Taint> taints) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("kubernetes.io/hostname", name);
        all.put("kubernetes.io/os", "linux");
        all.putAll(labels);
        return new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(all)
                .endMetadata()
                .withNewSpec()
                .withTaints(taints)
                .endSpec()
                .withNewStatus()
                .withNewNodeInfo()
                .withKernelVersion(kernelRelease)
                .withBootID(UUID.randomUUID().toString())
                .withOsImage("Debian GNU/Linux 12 (bookworm)")
                .withArchitecture("amd64")
                .endNodeInfo()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .withReason("KubeletReady")
                .endCondition()
                .endStatus()
                .build();
    }

    public static Taint taint(String key, String value, String effect) {
        Taint t = new Taint();
        t.setKey(key);
        t.setValue(value);
        t.setEffect(effect);
        return t;
    }
}
