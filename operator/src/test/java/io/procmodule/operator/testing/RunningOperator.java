package io.procmodule.operator.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.procmodule.operator.OperatorConfig;
import io.procmodule.operator.ProcModuleOperator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The production operator ({@link ProcModuleOperator#create}) started in-process against a given
 * client, e.g. the fabric8 mock API server. Install the CRD first so the server honours /status.
 */
public final class RunningOperator implements AutoCloseable {
    static final String CRD = "META-INF/fabric8/procmodules.procmodule.io-v1.yml";
    private final Operator operator;

    private RunningOperator(Operator operator) {
        this.operator = operator;
    }

    public static RunningOperator start(KubernetesClient client, OperatorConfig config) {
        Operator operator = ProcModuleOperator.create(client, config, new SimpleMeterRegistry());
        operator.start();
        return new RunningOperator(operator);
    }

    /** Creates the generated CRD (idempotent). */
    public static void installCrd(KubernetesClient client) {
        try (InputStream in = RunningOperator.class.getClassLoader().getResourceAsStream(CRD)) {
            if (in == null) {
                throw new IllegalStateException(CRD + " not on the classpath");
            }
            CustomResourceDefinition crd =
                    client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
            if (client.apiextensions()
                            .v1()
                            .customResourceDefinitions()
                            .withName(crd.getMetadata().getName())
                            .get()
                    == null) {
                client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .resource(crd)
                        .create();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Operator operator() {
        return operator;
    }

    @Override
    public void close() {
        operator.stop();
    }
}
