package io.procmodule.e2e.cluster;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.procmodule.e2e.HostProcess;
import io.procmodule.operator.OperatorConfig;
import io.procmodule.operator.api.ProcModule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link Cluster} whose resources live on a real kube-apiserver, reached as the cluster admin. A
 * subclass only says how to run a command on one of its nodes; everything read on a node goes
 * through that.
 */
public abstract class ApiServerCluster implements Cluster {
    public static final String OPERATOR_NAMESPACE = OperatorConfig.DEFAULT_NAMESPACE;
    /** The shipped Deployment and its ServiceAccount (deploy/manifests) share this name. */
    protected static final String OPERATOR_DEPLOYMENT = "procmodule-operator";

    private final KubernetesClient client;

    protected ApiServerCluster(KubernetesClient client) {
        this.client = client;
    }

    /** Runs {@code argv} as root on the node; its result, whatever the exit status. */
    protected abstract HostProcess.Result onNode(String node, List<String> argv);

    /** The API server as the cluster admin, for what the scenarios look at beyond {@link Cluster}. */
    public KubernetesClient client() {
        return client;
    }

    @Override
    public Resource<ProcModule> procModule(String name) {
        return client.resources(ProcModule.class).withName(name);
    }

    @Override
    public ProcModule apply(ProcModule resource) {
        // Name, labels and spec only, as `kubectl apply --server-side` would send them: an object read
        // back from the server (resourceVersion, status) still applies like a fresh manifest.
        ProcModule desired = new ProcModule();
        desired.setMetadata(new ObjectMetaBuilder()
                .withName(resource.getMetadata().getName())
                .withLabels(resource.getMetadata().getLabels())
                .build());
        desired.setSpec(resource.getSpec());
        return client.resource(desired)
                .fieldManager("procmodule-e2e")
                .forceConflicts()
                .serverSideApply();
    }

    @Override
    public ProcModule await(String name, Predicate<ProcModule> condition, String description, Duration timeout) {
        try {
            return procModule(name)
                    .waitUntilCondition(
                            pm -> pm != null && condition.test(pm), timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (KubernetesClientTimeoutException e) {
            throw new AssertionError(
                    name + ": " + description + " not reached within " + timeout + "; last seen status:\n"
                            + get(name).map(this::statusYaml).orElse("(gone)"),
                    e);
        }
    }

    @Override
    public void awaitDeleted(String name, Duration timeout) {
        try {
            procModule(name).waitUntilCondition(Objects::isNull, timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (KubernetesClientTimeoutException e) {
            throw new AssertionError(
                    name + " still exists after " + timeout + "; status:\n"
                            + get(name).map(this::statusYaml).orElse("(gone)"),
                    e);
        }
    }

    /** The status as {@code kubectl get procmodule <name> -o yaml} shows it. */
    public String statusYaml(ProcModule pm) {
        return client.getKubernetesSerialization()
                .asYaml(Map.of("status", pm.getStatus() == null ? Map.of() : pm.getStatus()));
    }

    @Override
    public List<String> nodeNames() {
        return client.nodes().list().getItems().stream()
                .map(n -> n.getMetadata().getName())
                .sorted()
                .toList();
    }

    @Override
    public Optional<String> readProcEntry(String node, String entry) {
        HostProcess.Result cat = onNode(node, List.of("cat", "/proc/" + entry));
        return cat.exitCode() == 0 ? Optional.of(cat.stdout()) : Optional.empty();
    }

    @Override
    public boolean moduleLoaded(String node, String module) {
        return nodeOutput(node, "cat", "/proc/modules").lines().anyMatch(l -> l.startsWith(module + " "));
    }

    /** The command's standard output on the node; a non-zero exit fails with its stderr. */
    public String nodeOutput(String node, String... argv) {
        List<String> command = List.of(argv);
        return onNode(node, command).outputOrThrow(node + ": " + command);
    }

    /** The kernel release the node runs, read on the node ({@code uname -r}). */
    public String unameR(String node) {
        return nodeOutput(node, "uname", "-r").strip();
    }
}
