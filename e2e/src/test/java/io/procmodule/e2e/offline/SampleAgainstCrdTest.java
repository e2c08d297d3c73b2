package io.procmodule.e2e.offline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.procmodule.e2e.RepoFiles;
import io.procmodule.e2e.scenarios.InvalidResources;
import io.procmodule.e2e.scenarios.PrinterColumns;
import io.procmodule.e2e.scenarios.Sample;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The sample is what the CRD accepts, with every default spelled out; invalid input is not. */
class SampleAgainstCrdTest {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static JsonNode sample() {
        return StrictYaml.documents(RepoFiles.read(Sample.PATH)).get(0);
    }

    @Test
    void sampleIsValidAgainstTheCrdSchema() {
        JsonNode sample = sample();
        assertThat(sample.path("apiVersion").asText()).isEqualTo(ProcModule.GROUP + "/" + ProcModule.VERSION);
        assertThat(sample.path("kind").asText()).isEqualTo("ProcModule");
        assertThat(OpenApiValidator.validate(Crd.schema(), sample)).isEmpty();
    }

    @Test
    void sampleSpellsOutEveryDefault() {
        JsonNode sample = sample();
        assertThat(OpenApiValidator.withDefaults(Crd.schema(), sample)).isEqualTo(sample);
        // ...and the defaults are the ones the operator assumes for objects that were never defaulted.
        ProcModuleSpec spec = StrictYaml.decode(sample, ProcModule.class).getSpec();
        assertThat(spec.getEntryName()).isEqualTo(ProcModuleSpec.DEFAULT_ENTRY_NAME);
        assertThat(spec.getMessage()).isEqualTo(ProcModuleSpec.DEFAULT_MESSAGE);
        assertThat(SERIALIZATION.convertValue(spec, JsonNode.class))
                .isEqualTo(SERIALIZATION.convertValue(new ProcModuleSpec(), JsonNode.class));
    }

    static Stream<InvalidResources.Invalid> invalid() {
        return InvalidResources.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void schemaRejectsInvalidResources(InvalidResources.Invalid invalid) {
        ProcModule resource = invalid.applyTo(Sample.resource("invalid"));
        List<String> errors =
                OpenApiValidator.validate(Crd.schema(), SERIALIZATION.convertValue(resource, JsonNode.class));
        assertThat(errors).isNotEmpty().allSatisfy(e -> assertThat(e).contains(invalid.field()));
    }

    @Test
    void validatorRejectsUnknownFieldsAndWrongTypes() {
        JsonNode typo = sample().deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) typo.get("spec")).put("mesage", "x");
        assertThat(OpenApiValidator.validate(Crd.schema(), typo)).containsExactly(".spec.mesage: unknown field");

        JsonNode wrongType = sample().deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) wrongType.get("spec").get("nodeSelector")).put("zone", 1);
        assertThat(OpenApiValidator.validate(Crd.schema(), wrongType))
                .singleElement()
                .asString()
                .startsWith(".spec.nodeSelector.zone: expected string");
    }

    @Test
    void printerColumnsAreNameEntryReadyPhaseAge() {
        List<String> header = new ArrayList<>(List.of("NAME"));
        for (JsonNode column : Crd.version().path("additionalPrinterColumns")) {
            if (column.path("priority").asInt(0) == 0) {
                header.add(column.path("name").asText().toUpperCase(java.util.Locale.ROOT));
            }
        }
        // kubectl prints NAME, then the priority-0 columns in CRD order.
        assertThat(header).isEqualTo(PrinterColumns.HEADER);
    }
}
