package io.gatehouse.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one line in the error log, on logger {@code io.gatehouse.admin.audit}, for every
 * state-changing action taken through the console, the API or JMX (reload, drain, undrain, purge, log
 * level, login and logout), saying who did it, from where, and how it ended.
 */
public final class Audit {
    private static final Logger LOG = LoggerFactory.getLogger("io.gatehouse.admin.audit");

    private Audit() {
    }

    /**
     * Writes {@code user=WHO from=ADDRESS action=ACTION result=RESULT}, which the error log shows after
     * the logger's name as {@code audit: user=...}.
     *
     * @param who     the user name ({@code token} for the admin token), or {@code -} when not known
     * @param from    the caller's address ({@code ip} or {@code ip:port}), or {@code jmx}
     * @param action  what was asked, e.g. {@code reload}, {@code drain app 127.0.0.1:8081}, {@code purge /img/}
     * @param result  how it ended, e.g. {@code applied}, {@code refused (2 errors)}, {@code ok}
     */
    public static void record(String who, String from, String action, String result) {
        LOG.info("user={} from={} action={} result={}", clean(who), clean(from), clean(action), clean(result));
    }

    /** Control characters and line breaks never reach the log as they were sent. */
    private static String clean(String s) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                if (out == null) {
                    out = new StringBuilder(s.length()).append(s, 0, i);
                }
                out.append('?');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }
}
