package io.procmodule.e2e.rbac;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One API request as RBAC sees it: API group, resource (with subresource, e.g. {@code pods/status}),
 * verb, and namespace (null for cluster-scoped requests). Mirrors the API server's request-info
 * resolution for the paths a client library produces.
 */
public record ApiAccess(String group, String resource, String verb, String namespace) {
  private static final Pattern PATH = Pattern.compile(
      "^/(?:api/(?<coreVersion>v1)|apis/(?<group>[^/]+)/(?<version>[^/]+))"
          + "(?:/namespaces/(?<namespace>[^/]+))?"
          + "(?:/(?<resource>[^/]+)(?:/(?<name>[^/]+)(?:/(?<sub>[^/]+))?)?)?$");
  private static final Pattern WATCH = Pattern.compile("(^|&)watch=(true|1)(&|$)");

  /** The access a request needs, or empty for non-resource URLs (discovery, /version, /healthz). */
  static Optional<ApiAccess> of(String method, String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      return Optional.empty();
    }
    String namespace = m.group("namespace");
    String resource = m.group("resource");
    String name = m.group("name");
    if (resource == null) {
      if (namespace == null) {
        return Optional.empty(); // group/version discovery
      }
      // /api/v1/namespaces/<ns> is the namespace object itself.
      return Optional.of(new ApiAccess("", "namespaces", verb(method, true, query), null));
    }
    String group = m.group("group") == null ? "" : m.group("group");
    String fullResource = m.group("sub") == null ? resource : resource + "/" + m.group("sub");
    return Optional.of(new ApiAccess(group, fullResource, verb(method, name != null, query), namespace));
  }

  private static String verb(String method, boolean named, String query) {
    return switch (method) {
      case "GET", "HEAD" -> WATCH.matcher(query).find() ? "watch" : named ? "get" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> throw new IllegalArgumentException("unexpected HTTP method " + method);
    };
  }

  @Override
  public String toString() {
    return verb + " " + (group.isEmpty() ? "" : group + "/") + resource
        + (namespace == null ? " (cluster-wide)" : " in " + namespace);
  }
}
