package io.procmodule.operator.status;

/** A Kubernetes Event to record on a ProcModule. */
public record ResourceEvent(String type, String reason, String message) {
  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";

  public static ResourceEvent normal(String reason, String message) {
    return new ResourceEvent(NORMAL, reason, message);
  }

  public static ResourceEvent warning(String reason, String message) {
    return new ResourceEvent(WARNING, reason, message);
  }
}
