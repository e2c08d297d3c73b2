package io.procmodule.e2e.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.procmodule.e2e.RepoFiles;
import io.procmodule.e2e.controlplane.ControlPlane;
import io.procmodule.e2e.scenarios.InvalidResourceRejected;
import io.procmodule.e2e.scenarios.Sample;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleSpec;
import io.procmodule.operator.api.Rollout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What only a real API server can show about the CRD: it is accepted (every CEL rule compiles), the
 * shipped sample is valid and already spells out every default, the server itself rejects invalid
 * resources, unknown fields and changes of the immutable entryName, applies the schema's defaults on
 * create, and the real kubectl explains the type. No operator runs here.
 */
@ExtendWith(WithControlPlane.class)
class CrdOnApiServerTest {
    private static final String CRD_NAME = "procmodules.procmodule.io";
    private static final String CRD_FILE = "deploy/crds/procmodules.procmodule.io-v1.yml";
    private final ControlPlane controlPlane;
    private final KubernetesClient admin;

    CrdOnApiServerTest(ControlPlane controlPlane) {
        this.controlPlane = controlPlane;
        this.admin = controlPlane.admin();
    }

    @BeforeAll
    static void install(ControlPlane controlPlane) {
        controlPlane.installDeploy();
    }

    @AfterEach
    void deleteWhatTheTestCreated() {
        // No operator runs, so no finalizer holds these back.
        admin.resources(ProcModule.class).withLabel("e2e", "crd").delete();
    }

    @Test
    void crdIsAcceptedWithEveryValidationRule() {
        CustomResourceDefinition served = admin.apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(CRD_NAME)
                .get();
        assertThat(served.getStatus().getConditions())
                .anyMatch(
                        c -> c.getType().equals("Established") && c.getStatus().equals("True"))
                .anyMatch(c ->
                        c.getType().equals("NamesAccepted") && c.getStatus().equals("True"));
        // The server compiles CEL rules on create and would refuse the CRD; none may have been dropped.
        assertThat(ruleCount(served.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()))
                .isEqualTo(ruleCount(
                        shippedCrd().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()))
                .isPositive();
    }

    @Test
    void theSampleIsAcceptedAndSpellsOutEveryDefault() {
        // Created without the Java types, so nothing but the server can add or drop a field.
        Map<String, Object> sampleSpec = sampleSpec();
        assertThat(createRaw("e2e-sample", sampleSpec)).isEqualTo(sampleSpec);
        // ...and the defaults are the ones the operator assumes for objects that were never defaulted.
        assertThat(admin.getKubernetesSerialization()
                        .convertValue(Sample.fromFile().getSpec(), Map.class))
                .isEqualTo(admin.getKubernetesSerialization().convertValue(new ProcModuleSpec(), Map.class));
    }

    @Test
    void kubectlRefusesUnknownFieldsAndWrongTypes() throws IOException {
        Path typo = controlPlane.dir().resolve("typo.yaml");
        Files.writeString(typo, RepoFiles.read(Sample.PATH).replace("  message:", "  mesage:"));
        assertThat(controlPlane.kubectl("apply", "--dry-run=server", "-f", typo.toString()))
                .satisfies(r -> assertThat(r.exitCode()).isNotZero())
                .satisfies(r -> assertThat(r.stderr()).contains("unknown field \"spec.mesage\""));

        Path wrongType = controlPlane.dir().resolve("wrong-type.yaml");
        Files.writeString(
                wrongType, RepoFiles.read(Sample.PATH).replace("nodeSelector: {}", "nodeSelector: {zone: 1}"));
        assertThat(controlPlane.kubectl("apply", "--dry-run=server", "-f", wrongType.toString()))
                .satisfies(r -> assertThat(r.exitCode()).isNotZero())
                .satisfies(r -> assertThat(r.stderr()).contains("spec.nodeSelector.zone", "string"));
    }

    @Test
    void invalidResourcesAreRejectedByTheApiServer() {
        InvalidResourceRejected.check(
                pm -> admin.resource(pm).create(),
                name -> Optional.ofNullable(
                        admin.resources(ProcModule.class).withName(name).get()));
    }

    @Test
    void entryNameIsImmutableButTheMessageIsNot() {
        ProcModule created = admin.resource(labelled(Sample.resource("e2e-immutable", "immutable_a", "first")))
                .create();

        ProcModule renamed = admin.getKubernetesSerialization().clone(created);
        renamed.getSpec().setEntryName("immutable_b");
        assertThatThrownBy(() -> admin.resource(renamed).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("spec.entryName", "entryName is immutable");
                });

        ProcModule edited = admin.getKubernetesSerialization().clone(created);
        edited.getSpec().setMessage("second");
        ProcModule updated = admin.resource(edited).update();
        assertThat(updated.getSpec().getEntryName()).isEqualTo("immutable_a");
        assertThat(updated.getSpec().getMessage()).isEqualTo("second");
        assertThat(updated.getMetadata().getGeneration()).isEqualTo(2L);
    }

    @Test
    void theServerAppliesTheSameDefaultsAsTheOperatorsTypes() {
        ProcModuleSpec javaDefaults = new ProcModuleSpec();

        Map<String, Object> empty = createRaw("e2e-defaults-empty", Map.of());
        assertThat(empty)
                .containsEntry("entryName", javaDefaults.getEntryName())
                .containsEntry("message", javaDefaults.getMessage())
                .doesNotContainKey("rollout"); // a default applies only inside an object that is present

        Map<String, Object> withRollout = createRaw("e2e-defaults-rollout", Map.of("rollout", Map.of()));
        assertThat(withRollout.get("rollout"))
                .isEqualTo(Map.of(
                        "maxUnavailable", new Rollout().getMaxUnavailable().getIntVal()));
    }

    @Test
    void kubectlExplainsTheSpec() {
        // The OpenAPI document kubectl explain reads is published a moment after the CRD.
        String explained = await("kubectl explain procmodule.spec")
                .atMost(Duration.ofSeconds(30))
                .until(() -> controlPlane.kubectl("explain", "procmodule.spec"), r -> r.exitCode() == 0)
                .stdout();
        assertThat(explained).contains("KIND:       ProcModule", "VERSION:    v1alpha1", "FIELD: spec <Object>");
        assertThat(explained)
                .contains(specProperties().keySet().stream()
                        .map(f -> "  " + f + "\t")
                        .toList())
                .doesNotContain("<no description>");
        assertThat(controlPlane.kubectlOrThrow("explain", "procmodule.status")).doesNotContain("<no description>");
    }

    private CustomResourceDefinition shippedCrd() {
        return admin.getKubernetesSerialization().unmarshal(RepoFiles.read(CRD_FILE), CustomResourceDefinition.class);
    }

    private Map<String, JSONSchemaProps> specProperties() {
        return shippedCrd()
                .getSpec()
                .getVersions()
                .get(0)
                .getSchema()
                .getOpenAPIV3Schema()
                .getProperties()
                .get("spec")
                .getProperties();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> sampleSpec() {
        return (Map<String, Object>) admin.getKubernetesSerialization()
                .unmarshal(RepoFiles.read(Sample.PATH), GenericKubernetesResource.class)
                .getAdditionalProperties()
                .get("spec");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> createRaw(String name, Map<String, Object> spec) {
        GenericKubernetesResource raw = new GenericKubernetesResourceBuilder()
                .withApiVersion("procmodule.io/v1alpha1")
                .withKind("ProcModule")
                .withNewMetadata()
                .withName(name)
                .withLabels(Map.of("e2e", "crd"))
                .endMetadata()
                .withAdditionalProperties(Map.of("spec", spec))
                .build();
        GenericKubernetesResource created = admin.genericKubernetesResources("procmodule.io/v1alpha1", "ProcModule")
                .resource(raw)
                .create();
        return (Map<String, Object>) created.getAdditionalProperties().get("spec");
    }

    private static ProcModule labelled(ProcModule pm) {
        pm.getMetadata().setLabels(Map.of("e2e", "crd"));
        return pm;
    }

    private static long ruleCount(JSONSchemaProps schema) {
        long own = schema.getXKubernetesValidations() == null
                ? 0
                : schema.getXKubernetesValidations().size();
        long nested = schema.getProperties() == null
                ? 0
                : schema.getProperties().values().stream()
                        .mapToLong(CrdOnApiServerTest::ruleCount)
                        .sum();
        long items = schema.getItems() == null || schema.getItems().getSchema() == null
                ? 0
                : ruleCount(schema.getItems().getSchema());
        return own + nested + items;
    }
}
