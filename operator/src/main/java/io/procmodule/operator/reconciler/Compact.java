package io.procmodule.operator.reconciler;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shrinks a pruned informer object in place. A fabric8 model object starts with an empty
 * LinkedHashMap (additional properties) and an empty ArrayList for every list field, and every
 * watch event brings its own copy of strings that repeat across thousands of objects (namespace,
 * label keys and values, container names, reasons, messages). At 5,000 nodes and 20 resources
 * (100,000 pruned agent pods) these were 390 of the 567 MiB the caches held (ScaleBenchmark, held
 * state). Empty collections become the shared immutable empty ones and strings are interned, so
 * a cached object must never be modified, which no reader does.
 */
final class Compact {
    private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

    private static final ClassValue<List<Field>> FIELDS = new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
            List<Field> fields = new ArrayList<>();
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers())) {
                        f.setAccessible(true);
                        fields.add(f);
                    }
                }
            }
            return fields;
        }
    };

    private Compact() {}

    static <T> T of(T model) {
        try {
            for (Field f : FIELDS.get(model.getClass())) {
                Object value = f.get(model);
                Object compact = value == null ? emptyOf(f.getType()) : value(value);
                if (compact != value) {
                    f.set(model, compact);
                }
            }
            return model;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot compact " + model.getClass().getName(), e);
        }
    }

    /**
     * fabric8's model starts every collection empty and readers, JOSDK's among them, call into them
     * without a null check; a builder given no value leaves one null.
     */
    private static Object emptyOf(Class<?> type) {
        if (type == List.class) {
            return List.of();
        }
        return type == Map.class ? Map.of() : null;
    }

    private static Object value(Object value) {
        if (value instanceof String s) {
            return s.intern();
        }
        if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                return List.of();
            }
            List<Object> compact = new ArrayList<>(list.size());
            list.forEach(element -> compact.add(value(element)));
            return compact;
        }
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                return Map.of();
            }
            Map<Object, Object> interned = new LinkedHashMap<>(map.size() * 4 / 3 + 1);
            map.forEach((k, v) -> interned.put(value(k), value(v)));
            // Immutable maps take a third of the room but refuse null keys and values.
            return interned.containsKey(null) || interned.containsValue(null) ? interned : Map.copyOf(interned);
        }
        if (value != null && value.getClass().getPackageName().startsWith(MODEL_PACKAGE)) {
            return of(value);
        }
        return value;
    }
}
