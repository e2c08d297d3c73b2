package io.procmodule.operator.api;

/**
 * Length limits of a ProcModule's fields, stated once. The CRD schema (through ProcModuleSpec's
 * annotations), SpecValidator and ModuleName use these constants. The agent script
 * (deploy/daemonset/procmodule-agent), the kernel module (kmod/hello_proc.c) and its Makefile check
 * the same limits in their own languages; LimitsTest reads those files and fails when one disagrees.
 */
public final class Limits {
    /**
     * The kernel's {@code MODULE_NAME_LEN} (include/linux/module.h), the size of a module's name
     * including the terminating NUL: {@code MAX_PARAM_PREFIX_LEN = 64 - sizeof(unsigned long)}, 56 on
     * the 64-bit kernels the operator supports.
     */
    public static final int KERNEL_MODULE_NAME_LEN = 56;

    /** The longest module name: {@code MODULE_NAME_LEN} without the NUL (55). */
    public static final int MAX_MODULE_NAME_LENGTH = KERNEL_MODULE_NAME_LEN - 1;

    /**
     * The longest entry name (44): the module for an entry is named {@code hello_proc_<entry>}
     * ({@link ModuleName}), and that must fit {@link #MAX_MODULE_NAME_LENGTH}: 55 - len("hello_proc_").
     * Written as a literal because annotation values must be compile-time constants; LimitsTest
     * checks it against {@code ModuleName.BASE}.
     */
    public static final int MAX_ENTRY_NAME_LENGTH = MAX_MODULE_NAME_LENGTH - 11;

    /**
     * The longest entry name the kernel module and the agent accept on their own (64). The operator's
     * limit above is stricter, because of the module name.
     */
    public static final int MODULE_MAX_ENTRY_NAME_LENGTH = 64;

    /**
     * The longest message: 1024, which is also the kernel's limit for a {@code charp} module parameter
     * ({@code param_set_charp}), so a longer one could never reach the module.
     */
    public static final int MAX_MESSAGE_LENGTH = 1024;

    private Limits() {}
}
