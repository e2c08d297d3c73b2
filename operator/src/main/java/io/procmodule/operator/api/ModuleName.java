package io.procmodule.operator.api;

/** The kernel module name the operator loads for an entry (the contract with the agent). */
public final class ModuleName {
    public static final String BASE = "hello_proc";

    private ModuleName() {}

    /** {@code hello_proc} for the default entry, else {@code hello_proc_<entry>} with . and - as _. */
    public static String forEntry(String entryName) {
        if (ProcModuleSpec.DEFAULT_ENTRY_NAME.equals(entryName)) {
            return BASE;
        }
        return BASE + "_" + entryName.replace('.', '_').replace('-', '_');
    }
}
