package io.gatehouse.config.source;

import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Replaces environment variables in configuration values: {@code ${NAME}} (HAProxy, shells) and
 * {@code %(NAME)s} (Python's configparser, as Skitai files may use). {@code $$} stands for a literal
 * {@code $}. A variable that is not set is an error at the line that names it; a {@code $} that starts
 * nothing ({@code $x}, a {@code $} at the end) stays as written, as does a {@code %(} that is not
 * followed by {@code NAME)s}.
 */
public final class EnvSubstitution {
    private final Map<String, String> env;

    public EnvSubstitution(Map<String, String> env) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    }

    /**
     * The value with every variable replaced. An unset variable or a malformed {@code ${...}} is reported
     * at {@code pos} and replaced by nothing.
     */
    public String apply(String value, SourcePos pos, BiConsumer<SourcePos, String> errors) {
        if (value.indexOf('$') < 0 && value.indexOf("%(") < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '$' && i + 1 < value.length() && value.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (c == '$' && i + 1 < value.length() && value.charAt(i + 1) == '{') {
                int close = value.indexOf('}', i + 2);
                if (close < 0) {
                    errors.accept(pos, "unterminated ${ in " + Shown.of(value) + "; write $$ for a literal $");
                    return out.toString();
                }
                String name = value.substring(i + 2, close);
                if (!isName(name)) {
                    errors.accept(pos, "bad variable name ${" + Shown.cut(name) + "}; expected letters, digits and _"
                            + " (write $$ for a literal $)");
                } else {
                    out.append(lookup(name, pos, errors));
                }
                i = close + 1;
            } else if (c == '%' && value.startsWith("%(", i)) {
                int close = value.indexOf(")s", i + 2);
                String name = close < 0 ? "" : value.substring(i + 2, close);
                if (isName(name)) {
                    out.append(lookup(name, pos, errors));
                    i = close + 2;
                } else {
                    out.append(c);
                    i++;
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private String lookup(String name, SourcePos pos, BiConsumer<SourcePos, String> errors) {
        String found = env.get(name);
        if (found == null) {
            errors.accept(pos, "environment variable " + Shown.cut(name) + " is not set");
            return "";
        }
        return found;
    }

    static boolean isName(String name) {
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }
}
