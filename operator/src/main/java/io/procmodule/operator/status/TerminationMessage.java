package io.procmodule.operator.status;

/**
 * The agent's termination message: first line a stable CamelCase reason, following lines a human
 * message. Anything else (a crash before the agent could write) is reported whole under a generic
 * reason, so no text is lost and no garbage becomes a reason.
 */
public record TerminationMessage(String reason, String message) {
    private static final int MAX_REASON_LENGTH = 64;

    public static TerminationMessage parse(String text, String fallbackReason, String fallbackMessage) {
        if (text == null || text.isBlank()) {
            return new TerminationMessage(fallbackReason, fallbackMessage);
        }
        String trimmed = text.strip();
        int newline = trimmed.indexOf('\n');
        String first = (newline < 0 ? trimmed : trimmed.substring(0, newline)).strip();
        String rest = newline < 0 ? "" : trimmed.substring(newline + 1).strip();
        if (!isReason(first)) {
            return new TerminationMessage(fallbackReason, trimmed);
        }
        return new TerminationMessage(first, rest.isEmpty() ? fallbackMessage : rest);
    }

    /** A CamelCase word of at most 64 characters (a character loop: this runs for every node's pod). */
    private static boolean isReason(String s) {
        if (s.isEmpty() || s.length() > MAX_REASON_LENGTH || s.charAt(0) < 'A' || s.charAt(0) > 'Z') {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }
}
