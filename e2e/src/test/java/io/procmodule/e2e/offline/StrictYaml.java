package io.procmodule.e2e.offline;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.procmodule.operator.api.ProcModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes YAML the way a strict API server would: duplicate keys, unknown fields and scalars of
 * the wrong type are errors. fabric8's model classes accept unknown fields silently (they land
 * in {@code additionalProperties}), so decoding alone proves nothing; {@link #unknownFields}
 * walks the decoded object and reports every such field by its path.
 */
final class StrictYaml {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private static final KubernetesSerialization KUBERNETES = kubernetesSerialization();

    private StrictYaml() {}

    private static KubernetesSerialization kubernetesSerialization() {
        KubernetesSerialization serialization = new KubernetesSerialization();
        serialization.registerKubernetesResource(ProcModule.class);
        return serialization;
    }

    /** The documents of a (multi-document) YAML text; empty documents are skipped. */
    static List<JsonNode> documents(String yaml) {
        try (var parser = YAML.createParser(yaml)) {
            List<JsonNode> docs = new ArrayList<>();
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isKubernetesObject(JsonNode doc) {
        return doc.hasNonNull("apiVersion") && doc.hasNonNull("kind");
    }

    /** The fabric8 model class registered for the document's apiVersion and kind. */
    static Class<? extends KubernetesResource> modelClass(JsonNode doc) {
        Class<? extends KubernetesResource> type = KUBERNETES.getRegisteredKubernetesResource(
                doc.get("apiVersion").asText(), doc.get("kind").asText());
        if (type == null || type == GenericKubernetesResource.class) {
            throw new IllegalArgumentException("no Kubernetes type for apiVersion "
                    + doc.get("apiVersion").asText()
                    + " kind "
                    + doc.get("kind").asText());
        }
        return type;
    }

    /** Decodes into {@code type}, failing on wrong scalar types and on any unknown field. */
    static <T> T decode(JsonNode doc, Class<T> type) {
        T value;
        try {
            value = STRICT.treeToValue(doc, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
        List<String> unknown = unknownFields(value);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown fields: " + String.join(", ", unknown));
        }
        return value;
    }

    static KubernetesResource decodeKubernetesObject(JsonNode doc) {
        return decode(doc, modelClass(doc));
    }

    /** Paths of every field that a model object kept in an {@code additionalProperties} map. */
    static List<String> unknownFields(Object model) {
        List<String> out = new ArrayList<>();
        walk(model, "", out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private static void walk(Object value, String path, List<String> out, Set<Object> seen) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, out, seen));
            return;
        }
        if (!isModel(value.getClass()) || !seen.add(value)) {
            return;
        }
        for (Class<?> c = value.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                Object fieldValue = read(field, value);
                if (field.getName().equals("additionalProperties") && fieldValue instanceof Map<?, ?> extra) {
                    extra.keySet().forEach(k -> out.add(path + "." + k));
                } else {
                    walk(fieldValue, path + "." + field.getName(), out, seen);
                }
            }
        }
    }

    private static boolean isModel(Class<?> type) {
        String name = type.getName();
        return name.startsWith("io.fabric8.kubernetes.") || name.startsWith("io.procmodule.");
    }

    private static Object read(Field field, Object owner) {
        try {
            field.setAccessible(true);
            return field.get(owner);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
