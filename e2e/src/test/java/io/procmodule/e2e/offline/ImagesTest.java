package io.procmodule.e2e.offline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.procmodule.e2e.RepoFiles;
import io.procmodule.e2e.rbac.DeploymentEnv;
import io.procmodule.operator.OperatorConfig;
import io.procmodule.operator.ProcModuleOperator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The images the Deployment runs are exactly the ones hack/demo builds and loads into kind
 * (kind has no registry: a tag that was not loaded means ImagePullBackOff).
 */
class ImagesTest {
    private static final String OPERATOR_IMAGE = "localhost/procmodule/operator:0.1.0";
    private static final String AGENT_IMAGE = "localhost/procmodule/agent:0.1.0";
    private static final Pattern ANY_PROJECT_IMAGE =
            Pattern.compile("([A-Za-z0-9.-]+(:[0-9]+)?/)?procmodule/(operator|agent):[A-Za-z0-9._-]+");

    private static String demo() {
        return RepoFiles.read("hack/demo");
    }

    private static String assignment(String script, String variable) {
        Matcher m = Pattern.compile("(?m)^" + variable + "=(\\S+)$").matcher(script);
        assertThat(m.find()).as(variable + "= in hack/demo").isTrue();
        return m.group(1);
    }

    private static Container operatorContainer() {
        Deployment deployment = (Deployment) StrictYaml.decodeKubernetesObject(
                StrictYaml.documents(RepoFiles.read("deploy/manifests/deployment.yaml"))
                        .get(0));
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    @Test
    void deploymentRunsTheImagesTheDemoBuildsAndLoads() {
        String demo = demo();
        assertThat(assignment(demo, "OPERATOR_IMAGE")).isEqualTo(OPERATOR_IMAGE);
        assertThat(assignment(demo, "AGENT_IMAGE")).isEqualTo(AGENT_IMAGE);
        assertThat(demo)
                .contains("docker build -f deploy/operator/Dockerfile -t \"$OPERATOR_IMAGE\" .")
                .contains("docker build -f deploy/daemonset/Dockerfile -t \"$AGENT_IMAGE\" .")
                .contains("kind load docker-image --name \"$cluster\" \"$OPERATOR_IMAGE\" \"$AGENT_IMAGE\"");

        assertThat(kustomizedOperatorImage()).isEqualTo(OPERATOR_IMAGE);
        assertThat(DeploymentEnv.operatorEnv()).containsEntry("AGENT_IMAGE", AGENT_IMAGE);
        assertThat(OperatorConfig.DEFAULT_AGENT_IMAGE).isEqualTo(AGENT_IMAGE);
    }

    @Test
    void everyShippedImageNameIsQualifiedWithARegistry() {
        // Unqualified, a name resolves to docker.io, where anyone may own the namespace.
        for (String image : List.of(
                operatorContainer().getImage(),
                kustomizedOperatorImage(),
                DeploymentEnv.operatorEnv().get("AGENT_IMAGE"))) {
            String first = image.substring(0, image.indexOf('/') < 0 ? 0 : image.indexOf('/'));
            assertThat(first)
                    .as(image + ": registry host")
                    .satisfiesAnyOf(
                            h -> assertThat(h).isEqualTo("localhost"),
                            h -> assertThat(h).contains("."),
                            h -> assertThat(h).contains(":"));
        }
    }

    /** The Deployment's image after deploy/kustomization.yaml's {@code images:} rule. */
    private static String kustomizedOperatorImage() {
        String image = operatorContainer().getImage();
        StrictManifestsTest.ImageRule rule = StrictManifestsTest.shippedKustomization().images().stream()
                .filter(r -> r.name().equals(image))
                .findFirst()
                .orElseThrow(() -> new AssertionError("deploy/kustomization.yaml has no images: rule for " + image));
        String name = rule.newName() == null ? image : rule.newName();
        return rule.digest() != null ? name + "@" + rule.digest() : name + ":" + rule.newTag();
    }

    @Test
    void operatorImageRunsTheOperatorAsTheDeploymentsUser() {
        String dockerfile = RepoFiles.read("deploy/operator/Dockerfile");
        assertThat(dockerfile).contains("\"" + ProcModuleOperator.class.getName() + "\"]");
        Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(dockerfile);
        assertThat(user.find()).as("numeric USER in the operator Dockerfile").isTrue();
        Deployment deployment = (Deployment) StrictYaml.decodeKubernetesObject(
                StrictYaml.documents(RepoFiles.read("deploy/manifests/deployment.yaml"))
                        .get(0));
        var pod = deployment.getSpec().getTemplate().getSpec().getSecurityContext();
        assertThat(pod.getRunAsUser()).isEqualTo(Long.parseLong(user.group(1)));
        assertThat(pod.getRunAsGroup()).isEqualTo(Long.parseLong(user.group(2)));
    }

    @Test
    void baseImagesArePinned() {
        for (String dockerfile : List.of("deploy/operator/Dockerfile", "deploy/daemonset/Dockerfile")) {
            List<String> bases = Pattern.compile("(?m)^FROM\\s+(\\S+)")
                    .matcher(RepoFiles.read(dockerfile))
                    .results()
                    .map(r -> r.group(1))
                    .toList();
            assertThat(bases)
                    .as(dockerfile)
                    .isNotEmpty()
                    .allSatisfy(image -> assertThat(image)
                            .as(dockerfile + ": base image with an explicit tag")
                            .matches("[^:@]+(:[^:]+|@sha256:[0-9a-f]{64})")
                            .doesNotEndWith(":latest"));
        }
    }

    @Test
    void kindLoadedImagesAreNeverPulled() {
        // "Always" would make the kubelet ask a registry for images that only exist in the node.
        assertThat(operatorContainer().getImagePullPolicy()).isEqualTo("IfNotPresent");
        for (String template : List.of("deploy/daemonset/daemonset.yaml", "deploy/daemonset/unload-pod.yaml")) {
            assertThat(Pattern.compile("imagePullPolicy: *(\\S+)")
                            .matcher(RepoFiles.read(template))
                            .results()
                            .map(r -> r.group(1))
                            .toList())
                    .as(template)
                    .isNotEmpty()
                    .containsOnly("IfNotPresent");
        }
    }

    @Test
    void everyProjectImageNamedAnywhereHasTheReleasedTag() throws IOException {
        List<Path> places;
        try (Stream<Path> workflows = Files.list(RepoFiles.path(".github/workflows"));
                Stream<Path> scripts = Files.list(RepoFiles.path("hack")).filter(Files::isRegularFile)) {
            places = Stream.of(
                            workflows.toList(),
                            scripts.toList(),
                            List.of(RepoFiles.path("README.md"), RepoFiles.path("deploy/manifests/deployment.yaml")))
                    .flatMap(List::stream)
                    .toList();
        }
        for (Path place : places) {
            ANY_PROJECT_IMAGE
                    .matcher(Files.readString(place))
                    .results()
                    .map(r -> r.group())
                    .forEach(image ->
                            assertThat(image).as(RepoFiles.relative(place)).isIn(OPERATOR_IMAGE, AGENT_IMAGE));
        }
    }
}
