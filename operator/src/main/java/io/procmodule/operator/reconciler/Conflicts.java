package io.procmodule.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.procmodule.operator.api.ModuleName;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.validation.SpecValidator;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Two ProcModules that would load the same kernel module (same entry, or entries that map to one
 * module name) on a shared node cannot both win: the older one keeps it. Ties in age go to the name.
 */
public final class Conflicts {
    static final Comparator<ProcModule> AGE = Comparator.comparing((ProcModule pm) ->
                    Optional.ofNullable(pm.getMetadata().getCreationTimestamp()).orElse(""))
            .thenComparing(pm -> pm.getMetadata().getName());

    private Conflicts() {}

    /** The oldest valid ProcModule older than {@code self} that loads the same module on one of its nodes. */
    public static Optional<ProcModule> olderOverlapping(
            ProcModule self, Collection<ProcModule> all, Supplier<Stream<Node>> nodes) {
        String module = ModuleName.forEntry(self.getSpec().getEntryName());
        List<ProcModule> candidates = all.stream()
                .filter(other -> !Objects.equals(
                        other.getMetadata().getName(), self.getMetadata().getName()))
                .filter(other -> AGE.compare(other, self) < 0)
                .filter(other ->
                        module.equals(ModuleName.forEntry(other.getSpec().getEntryName())))
                .filter(other -> SpecValidator.validate(other).isEmpty())
                .toList();
        // Selecting this resource's nodes is a pass over every node: only when another resource
        // could conflict (usually none does).
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        Set<String> mine = names(self, nodes);
        return candidates.stream()
                .filter(other -> names(other, nodes).stream().anyMatch(mine::contains))
                .min(AGE);
    }

    private static Set<String> names(ProcModule pm, Supplier<Stream<Node>> nodes) {
        return NodeSelection.desired(pm, nodes.get()).stream()
                .map(n -> n.getMetadata().getName())
                .collect(Collectors.toSet());
    }
}
