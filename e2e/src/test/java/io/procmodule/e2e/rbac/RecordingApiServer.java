package io.procmodule.e2e.rbac;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.procmodule.e2e.RepoFiles;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * fabric8's mock API server (CRUD, plus expectations where CRUD is not enough) that tells the
 * operator's requests apart from the test's: the operator's client sends its own User-Agent.
 */
final class RecordingApiServer implements AutoCloseable {
  static final String OPERATOR_USER_AGENT = "procmodule-operator-under-rbac-test";

  /** A request the operator sent: method, path with query, body. */
  record Call(String method, String path, String body) {}

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private RecordingApiServer() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
        new KubernetesMixedDispatcher(responses), false);
    server.init();
    client = server.createClient();
  }

  static RecordingApiServer start() {
    RecordingApiServer api = new RecordingApiServer();
    // With the CRD stored, the mock serves procmodules/status as a subresource.
    api.client.resource(api.client.getKubernetesSerialization()
        .unmarshal(RepoFiles.read("deploy/crds/procmodules.procmodule.io-v1.yml"), CustomResourceDefinition.class))
        .create();
    return api;
  }

  KubernetesMockServer server() {
    return server;
  }

  /** The test's own client (playing kubelet, controllers and the user). */
  KubernetesClient client() {
    return client;
  }

  /** A client for the operator: same server, recognisable requests. */
  KubernetesClient operatorClient() {
    return new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(OPERATOR_USER_AGENT).build())
        .build();
  }

  /** Every request the operator's client made so far (drains the server's record). */
  List<Call> operatorCalls() throws InterruptedException {
    List<Call> calls = new ArrayList<>();
    for (RecordedRequest r = server.takeRequest(1, TimeUnit.MILLISECONDS); r != null;
        r = server.takeRequest(1, TimeUnit.MILLISECONDS)) {
      if (OPERATOR_USER_AGENT.equals(r.getHeader("User-Agent"))) {
        calls.add(new Call(r.getMethod(), r.getPath(), r.getUtf8Body()));
      }
    }
    return calls;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
