package io.procmodule.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.procmodule.e2e.cluster.Cluster;
import io.procmodule.operator.api.ProcModule;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The API server's schema rejects invalid resources (HTTP 422 naming the field) and nothing is
 * stored. Needs a real API server: the mock does not validate.
 */
public final class InvalidResourceRejected implements Scenario {
    @Override
    public void run(Cluster cluster) {
        check(cluster::apply, cluster::get);
    }

    /** The scenario for any client that can send a resource and read one back. */
    public static void check(UnaryOperator<ProcModule> send, Function<String, Optional<ProcModule>> get) {
        for (InvalidResources.Invalid invalid : InvalidResources.all()) {
            var resource = invalid.applyTo(Sample.resource("e2e-invalid"));
            String name = resource.getMetadata().getName();
            assertThatThrownBy(() -> send.apply(resource))
                    .as(invalid.description())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(422);
                        assertThat(e.getMessage()).contains(invalid.field());
                    });
            assertThat(get.apply(name)).as(invalid.description() + " stored").isEmpty();
        }
    }
}
