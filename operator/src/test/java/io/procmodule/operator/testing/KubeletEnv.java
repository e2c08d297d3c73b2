package io.procmodule.operator.testing;

import java.util.Map;

/**
 * The kubelet's expansion of {@code EnvVar.value}, written from the API reference (core/v1 EnvVar):
 * "Variable references $(VAR_NAME) are expanded using the previously defined environment variables
 * in the container and any service environment variables. If a variable cannot be resolved, the
 * reference in the input string will be unchanged. Double $$ are reduced to a single $ ... Escaped
 * references will never be expanded". A {@code $} followed by anything else, an unclosed
 * {@code $(}, or a trailing {@code $} stays as written.
 */
public final class KubeletEnv {
    private KubeletEnv() {}

    public static String expand(String value, Map<String, String> defined) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c != '$' || i + 1 == value.length()) {
                out.append(c);
                i++;
            } else if (value.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (value.charAt(i + 1) == '(' && value.indexOf(')', i + 2) >= 0) {
                int close = value.indexOf(')', i + 2);
                String name = value.substring(i + 2, close);
                out.append(defined.getOrDefault(name, "$(" + name + ")"));
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
