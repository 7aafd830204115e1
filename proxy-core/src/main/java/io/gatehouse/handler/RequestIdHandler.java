package io.gatehouse.handler;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gives every request its ids ({@link RequestIds}) and returns the global one to the client as
 * {@code X-Request-ID}. A client's id (the first usable of {@code X-Request-ID},
 * {@code X-Correlation-ID}, {@code Request-ID}) is kept when it is sane: 1..128 visible ASCII
 * characters other than {@code "} and {@code \}, so it never needs escaping in a log line. Otherwise
 * one is made: a per-process random prefix and the local sequence number, unique without a random
 * draw per request. docs/logs.md says so to operators.
 */
public final class RequestIdHandler implements HttpHandler {
    public static final HttpString X_REQUEST_ID = new HttpString("X-Request-ID");
    private static final HttpString[] INCOMING = {
        X_REQUEST_ID, new HttpString("X-Correlation-ID"), new HttpString("Request-ID")
    };

    private final HttpHandler next;
    private final AtomicLong sequence;
    private final String prefix;

    /**
     * @param sequence the process-wide request counter; it outlives reloads so ids never repeat
     */
    public RequestIdHandler(AtomicLong sequence, HttpHandler next) {
        this.next = next;
        this.sequence = sequence;
        this.prefix = processPrefix();
    }

    private static final String PROCESS_PREFIX = String.format("%08x",
            ThreadLocalRandom.current().nextInt() & 0xffffffffL);

    private static String processPrefix() {
        return PROCESS_PREFIX + "-";
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        long ltid = sequence.incrementAndGet();
        String gtid = incoming(exchange);
        if (gtid == null) {
            gtid = prefix + Long.toString(ltid, 36);
        }
        exchange.putAttachment(RequestIds.KEY, new RequestIds(gtid, ltid));
        exchange.getResponseHeaders().put(X_REQUEST_ID, gtid);
        next.handleRequest(exchange);
    }

    private static String incoming(HttpServerExchange exchange) {
        for (HttpString name : INCOMING) {
            String value = exchange.getRequestHeaders().getFirst(name);
            if (value != null && isSane(value)) {
                return value;
            }
        }
        return null;
    }

    static boolean isSane(String id) {
        int n = id.length();
        if (n == 0 || n > 128) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
