package io.procmodule.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModuleNameTest {
    @Test
    void defaultEntryKeepsTheBaseName() {
        assertThat(ModuleName.forEntry("hello_world")).isEqualTo("hello_proc");
    }

    @Test
    void otherEntriesGetASuffixWithDotsAndDashesAsUnderscores() {
        assertThat(ModuleName.forEntry("greeting")).isEqualTo("hello_proc_greeting");
        assertThat(ModuleName.forEntry("my-entry.v2")).isEqualTo("hello_proc_my_entry_v2");
        assertThat(ModuleName.forEntry("a.b"))
                .isEqualTo(ModuleName.forEntry("a-b"))
                .isEqualTo("hello_proc_a_b");
    }

    @Test
    void longestEntryFitsTheKernelsModuleNameLimit() {
        assertThat(ModuleName.forEntry("x".repeat(Limits.MAX_ENTRY_NAME_LENGTH)))
                .hasSize(Limits.MAX_MODULE_NAME_LENGTH);
    }
}
