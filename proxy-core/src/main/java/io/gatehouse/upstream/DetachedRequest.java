package io.gatehouse.upstream;

import io.gatehouse.config.model.HashKey;
import io.gatehouse.handler.AuthenticatedUser;
import io.gatehouse.handler.ClientAddress;
import io.gatehouse.handler.RequestIds;
import io.gatehouse.upstream.balance.RequestHashes;
import io.gatehouse.upstream.balance.RequestKey;
import io.gatehouse.upstream.http1.HeaderSink;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;

/**
 * A bodyless GET that a client's request caused but no client waits on: a response cache refreshing a
 * stale entry in the background ({@code stale-while-revalidate}). It is taken from the client's request
 * when made (the path as routed, the end-to-end fields, the client's address for the forwarding
 * fields) and sent to the same cluster as that request would be, on the client's IO thread, with the
 * caller's sink; the client's exchange may end meanwhile.
 */
public final class DetachedRequest implements BodylessGet, RequestKey {
    private final String target;
    private final HeaderMap headers = new HeaderMap();
    private final String clientIp;
    private final String scheme;
    private final String requestId;
    /** The cluster's {@code hash_key} and the request's hash under it, taken when made. */
    private final HashKey hashKey;
    private final long hash;
    /** The site's identity fields, and who the auth stage verified (null when nobody). */
    private final IdentityHeaders identity;
    private final AuthenticatedUser user;

    private DetachedRequest(UpstreamProxyHandler handler, HttpServerExchange from) {
        this.target = handler.upstreamPath(from);
        HeaderMap in = from.getRequestHeaders();
        long cookie = in.fastIterateNonEmpty();
        while (cookie != -1L) {
            HeaderValues values = in.fiCurrent(cookie);
            headers.addAll(values.getHeaderName(), values);
            cookie = in.fiNextNonEmpty(cookie);
        }
        String ip = ClientAddress.ip(from);
        this.clientIp = ip == null ? "unknown" : ip;
        this.scheme = from.getRequestScheme();
        RequestIds ids = from.getAttachment(RequestIds.KEY);
        this.requestId = ids == null ? "-" : ids.gtid();
        this.hashKey = handler.cluster().policy().hashKey();
        this.hash = RequestHashes.of(from, hashKey);
        this.identity = handler.identity();
        this.user = handler.user(from);
    }

    /**
     * Sends a GET like {@code from} (its headers edited by the caller through {@link #headers()} before
     * the start) to {@code proxy}'s cluster in the background; {@code sink} hears the answer on
     * {@code from}'s IO thread. Must be called on that thread. Returns the exchange, to cancel it.
     *
     * @param proxy the route's proxy handler (the handler a cache stage wraps)
     */
    public static MemberExchange start(UpstreamProxyHandler proxy, DetachedRequest request, HttpServerExchange from,
                                       ResponseSink sink) {
        MemberExchange exchange = new MemberExchange(proxy.cluster(), proxy.connector(), proxy.timeouts(),
                from.getIoThread(), request, request, sink);
        exchange.start();
        return exchange;
    }

    /** Takes what the request needs from {@code from}, now, while its exchange is alive. */
    public static DetachedRequest of(UpstreamProxyHandler proxy, HttpServerExchange from) {
        return new DetachedRequest(proxy, from);
    }

    /** The fields sent (end-to-end ones; framing and forwarding fields are written as for any request): the caller may edit them before the start. */
    public HeaderMap headers() {
        return headers;
    }


    @Override
    public String target() {
        return target;
    }

    @Override
    public void writeHead(HeaderSink head, MemberState to) {
        ForwardedHeaders.writeRequest(headers, head, clientIp, scheme, "1.1", null, requestId, identity, user);
        if (!headers.contains(Headers.HOST)) {
            head.header(Headers.HOST, to.key().address().toString());
        }
    }






    @Override
    public long hash(HashKey key) {
        return key.equals(hashKey) ? hash : NO_KEY;
    }
}
