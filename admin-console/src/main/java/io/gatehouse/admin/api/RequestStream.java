package io.gatehouse.admin.api;

import io.gatehouse.log.RequestLogJson;
import io.gatehouse.log.RequestLogRecord;
import io.gatehouse.log.RequestLogRing;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.sse.ServerSentEventConnection;
import io.undertow.server.handlers.sse.ServerSentEventHandler;
import java.io.IOException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

/**
 * {@code GET /api/requests/stream}: new requests as Server-Sent Events ({@code event: request}, the
 * record's JSON as data). The request ring is read every {@link #POLL_MILLIS} on the connection's IO
 * thread (the ring is lock-free, a read never waits); records not seen at the previous read are sent,
 * oldest first, those that do not pass the filter left out. A client that falls {@link #MAX_PENDING}
 * events behind is disconnected rather than buffered for.
 */
final class RequestStream {
    /** The 17 fields of the request log, as the JSON form names them (docs/logs.md), in order. */
    static final List<String> FIELDS = List.of("date", "time", "client", "server", "method", "url", "protocol",
            "status", "bytes_recv", "bytes_sent", "gtid", "ltid", "user", "token", "user_agent", "handling_ms",
            "sending_ms");
    static final long POLL_MILLIS = 250;
    static final long KEEP_ALIVE_MILLIS = 15_000;
    /** Records read from the ring at each poll at most: more than arrive in 250 ms on a busy proxy is dropped. */
    static final int WINDOW = 512;
    static final int MAX_PENDING = 2048;

    private final RequestLogRing ring;

    RequestStream(RequestLogRing ring) {
        this.ring = ring;
    }

    void open(HttpServerExchange ex, RequestFilter filter) throws Exception {
        XnioIoThread io = ex.getIoThread();
        // What the stream starts after is read before the answer's head goes out: the handler sends the head
        // and only then, later, calls back, so a request the client makes once it has the head could
        // otherwise be logged before the window is read, and counted as seen.
        Set<RequestLogRecord> seen = window();
        new ServerSentEventHandler((connection, lastEventId) -> follow(connection, io, filter, seen)).handleRequest(ex);
    }

    private void follow(ServerSentEventConnection connection, XnioIoThread io, RequestFilter filter,
                        Set<RequestLogRecord> seen) {
        connection.setKeepAliveTime(KEEP_ALIVE_MILLIS);
        Poll poll = new Poll(connection, filter, seen);
        XnioExecutor.Key key = io.executeAtInterval(poll, POLL_MILLIS, TimeUnit.MILLISECONDS);
        connection.addCloseTask(c -> key.remove());
    }

    private Set<RequestLogRecord> window() {
        Set<RequestLogRecord> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.addAll(ring.latest(WINDOW));
        return seen;
    }

    /** One client's reads of the ring: what it saw last time, by identity. */
    private final class Poll implements Runnable {
        private final ServerSentEventConnection connection;
        private final RequestFilter filter;
        private Set<RequestLogRecord> seen;
        private final AtomicInteger pending = new AtomicInteger();
        private final ServerSentEventConnection.EventCallback sent = new ServerSentEventConnection.EventCallback() {
            @Override
            public void done(ServerSentEventConnection c, String data, String event, String id) {
                pending.decrementAndGet();
            }

            @Override
            public void failed(ServerSentEventConnection c, String data, String event, String id, IOException e) {
                pending.decrementAndGet();
            }
        };

        Poll(ServerSentEventConnection connection, RequestFilter filter, Set<RequestLogRecord> seen) {
            this.connection = connection;
            this.filter = filter;
            this.seen = seen;
        }

        @Override
        public void run() {
            if (!connection.isOpen()) {
                return;
            }
            List<RequestLogRecord> latest = ring.latest(WINDOW);
            Set<RequestLogRecord> now = Collections.newSetFromMap(new IdentityHashMap<>(latest.size() * 2));
            now.addAll(latest);
            for (int i = latest.size() - 1; i >= 0; i--) {
                RequestLogRecord r = latest.get(i);
                if (seen.contains(r) || !filter.test(r)) {
                    continue;
                }
                if (pending.incrementAndGet() > MAX_PENDING) {
                    connection.shutdown();
                    return;
                }
                connection.send(RequestLogJson.toJson(r), "request", null, sent);
            }
            seen = now;
        }
    }
}
