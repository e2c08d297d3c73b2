package io.procmodule.e2e.apiserver;

import io.procmodule.e2e.RepoFiles;
import io.procmodule.e2e.controlplane.ControlPlane;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests the {@link ControlPlane}: started once per test JVM on first use (in the root
 * context's store, which stops it when the run ends) and shared by every class that asks for it.
 */
public final class WithControlPlane implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(WithControlPlane.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ControlPlane.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .computeIfAbsent(
                        ControlPlane.class,
                        k -> ControlPlane.start(RepoFiles.path("e2e/target/control-plane")),
                        ControlPlane.class);
    }
}
