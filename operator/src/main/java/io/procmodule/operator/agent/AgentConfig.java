package io.procmodule.operator.agent;

import io.procmodule.operator.api.ModuleName;
import io.procmodule.operator.api.ProcModule;
import io.procmodule.operator.api.ProcModuleStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What an agent pod needs to know, passed only through environment variables (never through a
 * shell string). Its hash marks pods, so pods of an older configuration are recognised.
 */
public record AgentConfig(String entryName, String message, String moduleName, String image) {
    public static final String ENV_ENTRY_NAME = "PM_ENTRY_NAME";
    public static final String ENV_MESSAGE = "PM_MESSAGE";
    public static final String ENV_MODULE_NAME = "PM_MODULE_NAME";

    public static AgentConfig of(ProcModule pm, String image) {
        String entry = pm.getSpec().getEntryName();
        return new AgentConfig(entry, pm.getSpec().getMessage(), ModuleName.forEntry(entry), image);
    }

    /**
     * The configuration that was applied, which unloads must use: the entry the status records, not a
     * later edit of the spec (before anything was applied, the spec's entry).
     */
    public static AgentConfig applied(ProcModule pm, String image) {
        ProcModuleStatus status = pm.getStatus();
        String entry = status != null && status.getEntryName() != null
                ? status.getEntryName()
                : pm.getSpec().getEntryName();
        return new AgentConfig(entry, pm.getSpec().getMessage(), ModuleName.forEntry(entry), image);
    }

    public String hash() {
        return Hashes.sha256Prefix(String.join("\0", entryName, message, moduleName, image));
    }

    /** Short stable hashes for names and annotations. */
    public static final class Hashes {
        private Hashes() {}

        public static String sha256Prefix(String text) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(digest, 0, 8);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JRE has SHA-256", e);
            }
        }
    }
}
