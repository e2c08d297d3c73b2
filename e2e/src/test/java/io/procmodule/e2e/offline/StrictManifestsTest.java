package io.procmodule.e2e.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.procmodule.e2e.RepoFiles;
import io.procmodule.operator.OperatorConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every manifest under deploy/ decodes strictly into its Kubernetes (or kind, or kustomize)
 * type: what kubectl would reject, or silently drop, fails here.
 */
class StrictManifestsTest {
    private static final String KUSTOMIZE_API = "kustomize.config.k8s.io/v1beta1";
    private static final String KIND_API = "kind.x-k8s.io/v1alpha4";

    /** The kustomization fields the project uses; anything else must be added knowingly. */
    record Kustomization(
            String apiVersion,
            String kind,
            List<String> resources,
            List<ImageRule> images,
            List<ConfigMapGenerator> configMapGenerator) {}

    record ImageRule(String name, String newName, String newTag, String digest) {}

    record ConfigMapGenerator(String name, String namespace, Map<String, Boolean> options, List<String> literals) {}

    static Kustomization shippedKustomization() {
        return StrictYaml.decode(
                StrictYaml.documents(RepoFiles.read("deploy/kustomization.yaml"))
                        .get(0),
                Kustomization.class);
    }

    @TestFactory
    Stream<DynamicTest> everyKubernetesManifestDecodesStrictly() {
        List<Path> files = RepoFiles.yamlUnderDeploy();
        assertThat(files)
                .extracting(RepoFiles::relative)
                .contains(
                        "deploy/manifests/deployment.yaml",
                        "deploy/samples/hello-proc.yaml",
                        "deploy/daemonset/daemonset.yaml",
                        "deploy/daemonset/unload-pod.yaml");
        return files.stream()
                .map(file -> DynamicTest.dynamicTest(RepoFiles.relative(file), () -> {
                    for (JsonNode doc : StrictYaml.documents(Files.readString(file))) {
                        if (!StrictYaml.isKubernetesObject(doc)) {
                            continue;
                        }
                        String api = doc.get("apiVersion").asText();
                        if (api.equals(KUSTOMIZE_API)) {
                            StrictYaml.decode(doc, Kustomization.class);
                        } else if (api.equals(KIND_API)) {
                            StrictYaml.decode(doc, KindConfig.class);
                        } else {
                            StrictYaml.decodeKubernetesObject(doc);
                        }
                    }
                }));
    }

    @Test
    void strictDecodingRejectsUnknownFieldsWrongTypesAndDuplicateKeys() {
        String valid = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: x}
        spec:
          replicas: 1
          template:
            spec:
              containers:
                - name: c
                  image: i
                  resources: {limits: {memory: 64Mi}}
                  ports: [{containerPort: 80}]
                  livenessProbe: {httpGet: {path: /, port: http}}
        """;
        assertThat(StrictYaml.decodeKubernetesObject(StrictYaml.documents(valid).get(0)))
                .isInstanceOf(Deployment.class);

        assertThatThrownBy(() -> decodeOne(valid.replaceAll("( *)image: i", "$1image: i\n$1imagePullPolcy: Never")))
                .hasMessageContaining("spec.template.spec.containers[0].imagePullPolcy");
        assertThatThrownBy(() -> decodeOne(valid.replace("replicas: 1", "replicas: \"1\"")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> decodeOne(valid.replace("metadata: {name: x}", "metadata: {name: x, name: y}")))
                .hasMessageContaining("Duplicate field 'name'");
        assertThatThrownBy(() -> decodeOne("apiVersion: example.com/v1\nkind: Widget\n"))
                .hasMessageContaining("no Kubernetes type");
    }

    private static Object decodeOne(String yaml) {
        return StrictYaml.decodeKubernetesObject(StrictYaml.documents(yaml).get(0));
    }

    @Test
    void kustomizationInstallsTheCrdAndEveryInstallManifestButNotSampleOrTemplates() throws IOException {
        Kustomization k = shippedKustomization();
        assertThat(k.apiVersion()).isEqualTo(KUSTOMIZE_API);
        assertThat(k.kind()).isEqualTo("Kustomization");

        List<String> installManifests;
        try (Stream<Path> files = Files.list(RepoFiles.path("deploy/manifests"))) {
            installManifests =
                    files.map(p -> "manifests/" + p.getFileName()).sorted().toList();
        }
        assertThat(k.resources())
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(
                        Stream.concat(Stream.of("crds/procmodules.procmodule.io-v1.yml"), installManifests.stream())
                                .toList());
        assertThat(k.resources())
                .allSatisfy(r -> assertThat(RepoFiles.path("deploy/" + r)).isRegularFile());
    }

    @Test
    void kubectlKustomizeRendersExactlyTheListedResources() throws Exception {
        Process render;
        try {
            render = new ProcessBuilder(
                            "kubectl", "kustomize", RepoFiles.path("deploy").toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            Assumptions.abort("kubectl is not installed: the kustomization is checked by its resource list only");
            return;
        }
        String rendered = new String(render.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(render.waitFor()).isZero();
        Kustomization k = shippedKustomization();
        List<String> listed = Stream.concat(
                        k.resources().stream()
                                .flatMap(r -> StrictYaml.documents(RepoFiles.read("deploy/" + r)).stream())
                                .map(StrictManifestsTest::identity),
                        k.configMapGenerator().stream().map(g -> "ConfigMap " + g.namespace() + "/" + g.name()))
                .sorted()
                .toList();
        List<JsonNode> docs = StrictYaml.documents(rendered);
        docs.forEach(StrictYaml::decodeKubernetesObject);
        assertThat(docs.stream().map(StrictManifestsTest::identity).sorted().toList())
                .isEqualTo(listed);
        // The images: rule reaches the Deployment.
        assertThat(docs.stream()
                        .filter(d -> d.path("kind").asText().equals("Deployment"))
                        .map(d -> d.at("/spec/template/spec/containers/0/image").asText()))
                .containsExactly(OperatorConfig.DEFAULT_AGENT_IMAGE.replace("/agent:", "/operator:"));
    }

    private static String identity(JsonNode doc) {
        return doc.path("kind").asText() + " "
                + doc.path("metadata").path("namespace").asText("") + "/"
                + doc.path("metadata").path("name").asText();
    }

    @Test
    void kindConfigIsOneNodeWithTheHeaderMounts() throws Exception {
        KindConfig committed = StrictYaml.decode(
                StrictYaml.documents(RepoFiles.read("deploy/kind/kind-config.yaml"))
                        .get(0),
                KindConfig.class);
        assertThat(committed.kind()).isEqualTo("Cluster");
        assertThat(committed.apiVersion()).isEqualTo(KIND_API);
        assertThat(committed.nodes()).singleElement().satisfies(node -> {
            assertThat(node.role()).isEqualTo("control-plane");
            assertThat(node.extraMounts()).contains(new KindConfig.Mount("/usr/src", "/usr/src", true, null, null));
        });

        // What `kind create cluster` really gets: the committed file plus this host's kbuild dirs.
        Process render = new ProcessBuilder(RepoFiles.path("hack/kind-config").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String rendered = new String(render.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(render.waitFor()).isZero();
        KindConfig effective = StrictYaml.decode(StrictYaml.documents(rendered).get(0), KindConfig.class);
        List<KindConfig.Mount> expected;
        try (Stream<Path> dirs = Files.list(Path.of("/usr/lib"))) {
            expected = dirs.filter(Files::isDirectory)
                    .filter(d -> d.getFileName().toString().startsWith("linux-kbuild-"))
                    .map(d -> new KindConfig.Mount(d.toString(), d.toString(), true, null, null))
                    .toList();
        }
        assertThat(effective.nodes())
                .singleElement()
                .satisfies(node -> assertThat(node.extraMounts())
                        .containsAll(committed.nodes().get(0).extraMounts())
                        .containsAll(expected)
                        .hasSize(committed.nodes().get(0).extraMounts().size() + expected.size()));
    }
}
