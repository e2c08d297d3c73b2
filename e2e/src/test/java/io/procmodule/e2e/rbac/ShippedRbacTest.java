package io.procmodule.e2e.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the shipped ClusterRole and Role must never grant. That they grant exactly what the
 * operator uses is shown on the real API server (e2e's OperatorOnApiServerTest, audit log).
 */
class ShippedRbacTest {
    @Test
    void noWildcardsAndNoSecrets() {
        assertThat(RbacRules.shipped().grants()).isNotEmpty().allSatisfy(g -> {
            assertThat(List.of(g.group(), g.resource(), g.verb())).doesNotContain("*");
            assertThat(g.resource()).isNotEqualTo("secrets");
        });
    }
}
