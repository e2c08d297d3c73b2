package io.procmodule.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Build step run right after the crd-generator (operator/pom.xml, phase process-classes): kubectl
 * prints printer columns in CRD order, and the generator sorts them by name (GitHub issue 7454 of
 * fabric8io/kubernetes-client), which would give NAME AGE ENTRY PHASE READY. This restores the order in
 * which {@link ProcModule} declares its {@code @AdditionalPrinterColumn}s.
 */
public final class PrinterColumnOrder {
    private PrinterColumnOrder() {}

    public static void main(String[] args) throws IOException {
        Path crdFile = Path.of(args[0]);
        var serialization = new KubernetesSerialization();
        CustomResourceDefinition crd =
                serialization.unmarshal(Files.readString(crdFile), CustomResourceDefinition.class);
        crd.getSpec()
                .getVersions()
                .forEach(v -> v.setAdditionalPrinterColumns(declarationOrder(v.getAdditionalPrinterColumns())));
        String yaml = serialization.asYaml(crd).replaceFirst("^---\n", "");
        Files.writeString(
                crdFile,
                "# Generated from io.procmodule.operator.api.ProcModule by the fabric8 CRD generator"
                        + " (printer columns in declaration order); do not edit.\n" + yaml);
    }

    static List<CustomResourceColumnDefinition> declarationOrder(List<CustomResourceColumnDefinition> columns) {
        List<String> declared = Arrays.stream(ProcModule.class.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name)
                .toList();
        return columns.stream()
                .sorted(Comparator.comparingInt(c -> declared.indexOf(c.getName())))
                .toList();
    }
}
