package io.gatehouse.upstream;

import io.gatehouse.upstream.http1.RequestHeadWriter;
import io.gatehouse.upstream.http1.ResponseHead;
import java.util.Arrays;
import org.xnio.XnioIoThread;

/**
 * What the proxy keeps per event loop (IO thread) and reuses for every request on it: the bytes of a
 * response head being parsed and its parse, the request head being written, and the response-timeout
 * lists. Only its own thread touches it, so nothing here is locked.
 */
final class LoopState {
    /** Most response heads fit in this many bytes; only a longer one is copied whole for parsing. */
    static final int FIRST_LOOK = 2048;

    private static final ThreadLocal<LoopState> CURRENT = ThreadLocal.withInitial(LoopState::new);

    final ResponseHead response = new ResponseHead();
    final RequestHeadWriter request = new RequestHeadWriter(2048);
    private byte[] head = new byte[FIRST_LOOK];
    private ResponseDeadlines[] deadlines = new ResponseDeadlines[0];
    private long[] deadlineMillis = new long[0];

    private LoopState() {
    }

    /** The calling IO thread's state. */
    static LoopState current() {
        return CURRENT.get();
    }

    /** A byte array of at least {@code size} bytes for a response head. */
    byte[] headBytes(int size) {
        if (head.length < size) {
            head = new byte[size];
        }
        return head;
    }

    /** The timeout list for {@code millis} on this loop (there are as many as distinct timeouts configured). */
    ResponseDeadlines deadlines(long millis, XnioIoThread thread) {
        for (int i = 0; i < deadlines.length; i++) {
            if (deadlineMillis[i] == millis) {
                return deadlines[i];
            }
        }
        ResponseDeadlines created = new ResponseDeadlines(millis, thread, System::nanoTime);
        deadlines = Arrays.copyOf(deadlines, deadlines.length + 1);
        deadlineMillis = Arrays.copyOf(deadlineMillis, deadlineMillis.length + 1);
        deadlines[deadlines.length - 1] = created;
        deadlineMillis[deadlineMillis.length - 1] = millis;
        return created;
    }
}
