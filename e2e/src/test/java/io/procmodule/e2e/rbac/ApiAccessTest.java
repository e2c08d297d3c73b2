package io.procmodule.e2e.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiAccessTest {
  private static String access(String method, String path) {
    return ApiAccess.of(method, path).map(ApiAccess::toString).orElse("none");
  }

  @Test
  void mapsRequestsAsTheApiServerDoes() {
    assertThat(access("GET", "/apis/procmodule.io/v1alpha1/procmodules?resourceVersion=0"))
        .isEqualTo("list procmodule.io/procmodules (cluster-wide)");
    assertThat(access("GET", "/apis/procmodule.io/v1alpha1/procmodules?allowWatchBookmarks=true&watch=true"))
        .isEqualTo("watch procmodule.io/procmodules (cluster-wide)");
    assertThat(access("PUT", "/apis/procmodule.io/v1alpha1/procmodules/hello-proc/status"))
        .isEqualTo("update procmodule.io/procmodules/status (cluster-wide)");
    assertThat(access("GET", "/api/v1/namespaces/procmodule-system/pods/p-1"))
        .isEqualTo("get pods in procmodule-system");
    assertThat(access("PATCH", "/api/v1/nodes/node-a")).isEqualTo("patch nodes (cluster-wide)");
    assertThat(access("DELETE", "/apis/apps/v1/namespaces/procmodule-system/daemonsets"))
        .isEqualTo("deletecollection apps/daemonsets in procmodule-system");
    assertThat(access("POST", "/api/v1/namespaces/procmodule-system/events"))
        .isEqualTo("create events in procmodule-system");
    assertThat(access("GET", "/api/v1/namespaces/procmodule-system")).isEqualTo("get namespaces (cluster-wide)");
  }

  @Test
  void nonResourceUrlsNeedNoResourcePermission() {
    assertThat(access("GET", "/version")).isEqualTo("none");
    assertThat(access("GET", "/apis/apps/v1")).isEqualTo("none");
    assertThat(access("GET", "/api/v1")).isEqualTo("none");
  }
}
