package io.gatehouse.admin.api;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Instant;

/** {@code GET /debug/stacks}: every thread's state and stack, as text, for a support request or a hang. */
final class ThreadDump {
    private ThreadDump() {
    }

    static String now() {
        StringBuilder out = new StringBuilder(16 * 1024);
        out.append("Gatehouse thread dump at ").append(Instant.now()).append("\n\n");
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            out.append('"').append(t.getThreadName()).append("\" #").append(t.getThreadId())
                    .append(t.isDaemon() ? " daemon" : "").append(" ").append(t.getThreadState());
            if (t.getLockName() != null) {
                out.append(" on ").append(t.getLockName());
            }
            if (t.getLockOwnerName() != null) {
                out.append(" owned by \"").append(t.getLockOwnerName()).append('"');
            }
            out.append('\n');
            for (StackTraceElement e : t.getStackTrace()) {
                out.append("\tat ").append(e).append('\n');
            }
            out.append('\n');
        }
        return out.toString();
    }
}
