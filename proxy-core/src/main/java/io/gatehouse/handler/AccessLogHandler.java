package io.gatehouse.handler;

import io.gatehouse.log.RequestLogRecord;
import io.gatehouse.log.CacheStatus;
import io.gatehouse.log.UpstreamAttempts;
import io.gatehouse.log.WireText;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Writes one request-log record per exchange, outermost in the chain so every answer is logged,
 * refusals at the edge included. The record is built when the exchange completes and handed to
 * {@code sink} (the file writer and the in-memory ring), which must not block.
 *
 * <p>What the record says happened:
 * <ul>
 *   <li>the method, URL and user agent as the client sent them, their bytes read as UTF-8
 *       ({@link WireText}; Undertow hands them over one char per byte);</li>
 *   <li>the status and body bytes that were sent; an answer cut short (a stop, a member or client
 *       gone mid-answer) is logged with its status and the bytes that went out before the cut;</li>
 *   <li>{@value #CLIENT_CLOSED_REQUEST} (nginx's "client closed request") when the request ended
 *       before any answer was begun: the client went away (or broke its request body), or a stop
 *       closed the connection when its drain time ran out, as nginx logs its
 *       {@code worker_shutdown_timeout}.</li>
 *   <li>for a proxied request, beyond the 17 fields: the cluster, the member of the last attempt and
 *       the number of attempts ({@link UpstreamAttempts}, which the proxy attaches).</li>
 * </ul>
 */
public final class AccessLogHandler implements HttpHandler {
    /** The status logged for a request that ended before any answer was begun (nginx's 499). */
    public static final int CLIENT_CLOSED_REQUEST = 499;

    private static volatile Second second = new Second(Long.MIN_VALUE, LocalDateTime.MIN);

    private final Consumer<RequestLogRecord> sink;
    private final HttpHandler next;

    public AccessLogHandler(Consumer<RequestLogRecord> sink, HttpHandler next) {
        this.sink = sink;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        Timing timing = new Timing(System.nanoTime(), now());
        HeaderMap headers = exchange.getRequestHeaders();
        if (headers.contains(Headers.CONTENT_LENGTH) || headers.contains(Headers.TRANSFER_ENCODING)) {
            exchange.addRequestWrapper((factory, ex) -> timing.counter = new CountingSourceConduit(factory.create()));
        }
        exchange.addResponseCommitListener(timing);
        exchange.addExchangeCompleteListener(timing);
        next.handleRequest(exchange);
    }

    /** Per-request timestamps; also the listener that emits the record. */
    private final class Timing implements ExchangeCompletionListener, io.undertow.server.ResponseCommitListener {
        final long startNanos;
        final LocalDateTime received;
        long committedNanos;
        CountingSourceConduit counter;

        Timing(long startNanos, LocalDateTime received) {
            this.startNanos = startNanos;
            this.received = received;
        }

        @Override
        public void beforeCommit(HttpServerExchange exchange) {
            committedNanos = System.nanoTime();
        }

        @Override
        public void exchangeEvent(HttpServerExchange exchange, NextListener nextListener) {
            try {
                long end = System.nanoTime();
                long committed = committedNanos == 0 ? end : committedNanos;
                sink.accept(record(exchange, committed, end));
            } finally {
                nextListener.proceed();
            }
        }

        private RequestLogRecord record(HttpServerExchange exchange, long committed, long end) {
            RequestIds ids = exchange.getAttachment(RequestIds.KEY);
            AuthenticatedUser user = exchange.getAttachment(AuthenticatedUser.KEY);
            UpstreamAttempts upstream = exchange.getAttachment(UpstreamAttempts.KEY);
            String query = exchange.getQueryString();
            String uri = exchange.getRequestURI();
            ClientAddress peer = ClientAddress.peer(exchange);
            return new RequestLogRecord(received,
                    peer.ipPort(),
                    serverName(exchange),
                    WireText.decode(exchange.getRequestMethod().toString()),
                    WireText.decode(query == null || query.isEmpty() ? uri : uri + "?" + query),
                    exchange.getProtocol().toString(),
                    exchange.isResponseStarted() ? exchange.getStatusCode() : CLIENT_CLOSED_REQUEST,
                    counter == null ? 0 : counter.count(),
                    exchange.getResponseBytesSent(),
                    ids == null ? null : ids.gtid(),
                    ids == null ? 0 : ids.ltid(),
                    user == null ? null : user.user(),
                    user == null ? null : user.tokenFingerprint(),
                    WireText.decode(exchange.getRequestHeaders().getFirst(Headers.USER_AGENT)),
                    TimeUnit.NANOSECONDS.toMillis(committed - startNanos),
                    TimeUnit.NANOSECONDS.toMillis(end - committed),
                    upstream == null ? null : upstream.cluster(),
                    upstream == null ? null : upstream.member(),
                    upstream == null ? 0 : upstream.attempts(),
                    exchange.getAttachment(CacheStatus.KEY),
                    peer.clientIp(exchange));
        }
    }

    /** The local time, to the second (all the log shows), computed once per second. */
    static LocalDateTime now() {
        long epochSecond = Math.floorDiv(System.currentTimeMillis(), 1000L);
        Second s = second;
        if (s.epochSecond != epochSecond) {
            ZoneOffset offset = ZoneId.systemDefault().getRules().getOffset(Instant.ofEpochSecond(epochSecond));
            s = new Second(epochSecond, LocalDateTime.ofEpochSecond(epochSecond, 0, offset));
            second = s;
        }
        return s.time;
    }

    private record Second(long epochSecond, LocalDateTime time) {
    }

    private static String serverName(HttpServerExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        if (host != null && !host.isEmpty()) {
            return host;
        }
        return address(exchange.getDestinationAddress());
    }

    static String address(InetSocketAddress a) {
        return ClientAddress.format(a);
    }
}
