package io.procmodule.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.procmodule.e2e.cluster.Cluster;

/**
 * The API server's schema rejects invalid resources (HTTP 422 naming the field) and nothing is
 * stored. Needs a real API server: the mock does not validate.
 */
public final class InvalidResourceRejected implements Scenario {
  @Override
  public void run(Cluster cluster) {
    for (InvalidResources.Invalid invalid : InvalidResources.all()) {
      var resource = invalid.applyTo(Sample.resource("e2e-invalid"));
      String name = resource.getMetadata().getName();
      assertThatThrownBy(() -> cluster.apply(resource))
          .as(invalid.description())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(422);
            assertThat(e.getMessage()).contains(invalid.field());
          });
      assertThat(cluster.get(name)).as(invalid.description() + " stored").isEmpty();
    }
  }
}
