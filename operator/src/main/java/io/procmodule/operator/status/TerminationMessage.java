package io.procmodule.operator.status;

import java.util.regex.Pattern;

/**
 * The agent's termination message: first line a stable CamelCase reason, following lines a human
 * message. Anything else (a crash before the agent could write) is reported whole under a generic
 * reason, so no text is lost and no garbage becomes a reason.
 */
public record TerminationMessage(String reason, String message) {
    private static final Pattern REASON = Pattern.compile("^[A-Z][A-Za-z0-9]{0,63}$");

    public static TerminationMessage parse(String text, String fallbackReason, String fallbackMessage) {
        if (text == null || text.isBlank()) {
            return new TerminationMessage(fallbackReason, fallbackMessage);
        }
        String trimmed = text.strip();
        int newline = trimmed.indexOf('\n');
        String first = (newline < 0 ? trimmed : trimmed.substring(0, newline)).strip();
        String rest = newline < 0 ? "" : trimmed.substring(newline + 1).strip();
        if (!REASON.matcher(first).matches()) {
            return new TerminationMessage(fallbackReason, trimmed);
        }
        return new TerminationMessage(first, rest.isEmpty() ? fallbackMessage : rest);
    }
}
