package io.procmodule.operator.agent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The manifests from deploy/daemonset/, shipped in the jar under templates/. */
final class Templates {
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Templates() {}

    /** A fresh object on every call, so callers may change it freely. */
    static <T extends HasMetadata> T load(String resource, Class<T> type) {
        try (InputStream in = Templates.class.getClassLoader().getResourceAsStream("templates/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("template templates/" + resource + " is missing from the classpath");
            }
            return SERIALIZATION.unmarshal(new String(in.readAllBytes(), StandardCharsets.UTF_8), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
