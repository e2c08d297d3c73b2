package io.procmodule.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.procmodule.operator.api.ProcModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders what {@code kubectl get procmodules} prints, from the printer columns of the generated CRD
 * itself (so the table cannot drift from the CRD): NAME, then every priority-0 column.
 */
public final class PrinterColumns {
    static final String CRD_RESOURCE = "META-INF/fabric8/procmodules.procmodule.io-v1.yml";
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final int PADDING = 3;

    private PrinterColumns() {}

    public static String table(List<ProcModule> resources, Instant now) {
        List<CustomResourceColumnDefinition> columns = columns();
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("NAME"));
        columns.forEach(c -> header.add(c.getName().toUpperCase()));
        rows.add(header);
        for (ProcModule pm : resources) {
            JsonNode json = SERIALIZATION.convertValue(pm, JsonNode.class);
            List<String> row = new ArrayList<>(List.of(pm.getMetadata().getName()));
            for (CustomResourceColumnDefinition c : columns) {
                JsonNode value = at(json, c.getJsonPath());
                row.add(
                        value == null || value.isNull()
                                ? ""
                                : "date".equals(c.getType())
                                        ? humanDuration(Duration.between(Instant.parse(value.asText()), now))
                                        : value.asText());
            }
            rows.add(row);
        }
        return format(rows);
    }

    static List<CustomResourceColumnDefinition> columns() {
        try (InputStream in = PrinterColumns.class.getClassLoader().getResourceAsStream(CRD_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        CRD_RESOURCE + " is missing: run the crd-generator (mvn process-classes)");
            }
            CustomResourceDefinition crd = SERIALIZATION.unmarshal(in, CustomResourceDefinition.class);
            return crd.getSpec().getVersions().stream()
                    .filter(v -> ProcModule.VERSION.equals(v.getName()))
                    .findFirst()
                    .orElseThrow()
                    .getAdditionalPrinterColumns()
                    .stream()
                    .filter(c -> c.getPriority() == null || c.getPriority() == 0)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The simple JSON paths printer columns allow: ".a.b.c". */
    private static JsonNode at(JsonNode json, String path) {
        JsonNode node = json;
        for (String part : path.substring(1).split("\\.")) {
            node = node == null ? null : node.get(part);
        }
        return node;
    }

    private static String format(List<List<String>> rows) {
        int[] widths = new int[rows.get(0).size()];
        rows.forEach(r -> {
            for (int i = 0; i < r.size(); i++) {
                widths[i] = Math.max(widths[i], r.get(i).length());
            }
        });
        StringBuilder out = new StringBuilder();
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                line.append(i == r.size() - 1 ? r.get(i) : String.format("%-" + (widths[i] + PADDING) + "s", r.get(i)));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    /** kubectl's duration.HumanDuration. */
    static String humanDuration(Duration d) {
        long seconds = d.getSeconds();
        if (seconds < -1) {
            return "<invalid>";
        } else if (seconds < 0) {
            return "0s";
        } else if (seconds < 60 * 2) {
            return seconds + "s";
        }
        long minutes = d.toMinutes();
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        } else if (minutes < 60 * 3) {
            return minutes + "m";
        }
        long hours = d.toHours();
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        } else if (hours < 48) {
            return hours + "h";
        } else if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        } else if (hours < 24 * 365 * 8) {
            long dy = (hours / 24) % 365;
            return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
        }
        return hours / 24 / 365 + "y";
    }
}
