package io.gatehouse.server;

import io.gatehouse.config.model.SslSpec;
import io.gatehouse.handler.AccessLogHandler;
import io.gatehouse.handler.JsonErrorHandler;
import io.gatehouse.handler.RequestIdHandler;
import io.gatehouse.log.RequestLogRecord;
import io.gatehouse.routing.HostRouter;
import io.gatehouse.routing.RouteTable;
import io.gatehouse.routing.RoutingHandler;
import io.gatehouse.server.edge.EdgeRefusals;
import io.gatehouse.server.edge.EdgeRejectionHandler;
import io.gatehouse.server.h2.Http2RequestCheck;
import io.gatehouse.spi.RouteContext;
import io.gatehouse.spi.StageFactory;
import io.undertow.server.HttpHandler;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The one place where request chains are composed, written outermost-first. No handler builds its
 * own {@code next}.
 */
public final class ChainAssembler {
    private ChainAssembler() {
    }

    /**
     * A listener's chain: every request is logged (outermost, so refusals are logged too), gets its
     * ids, has its failures rendered as JSON, is refused if the edge found its framing ambiguous, and
     * is routed by host and path; on a listener that speaks HTTP/2, a request that came over it is held
     * to the HTTP/1.1 edge's strictness first ({@link Http2RequestCheck}; a listener without HTTP/2 does
     * not have the step at all).
     */
    public static HttpHandler listenerChain(Consumer<RequestLogRecord> log, AtomicLong sequence,
                                            HostRouter<RouteTable<HttpHandler>> hosts, boolean http2) {
        return listenerChain(log, sequence, hosts, http2, new EdgeRefusals());
    }

    /** As above, with the edge's refusals counted in {@code refusals}. */
    public static HttpHandler listenerChain(Consumer<RequestLogRecord> log, AtomicLong sequence,
                                            HostRouter<RouteTable<HttpHandler>> hosts, boolean http2,
                                            EdgeRefusals refusals) {
        HttpHandler routing = new RoutingHandler(hosts);
        return new AccessLogHandler(log,
                new RequestIdHandler(sequence,
                        new JsonErrorHandler(
                                new EdgeRejectionHandler(http2 ? new Http2RequestCheck(routing) : routing, refusals))));
    }

    /**
     * A {@code redirect_http} listener's chain: logged and identified like any request, refused at the
     * edge like any request, and otherwise answered {@code 301} to HTTPS by {@code redirect}.
     */
    public static HttpHandler redirectChain(Consumer<RequestLogRecord> log, AtomicLong sequence, HttpHandler redirect) {
        return redirectChain(log, sequence, redirect, new EdgeRefusals());
    }

    /** As above, with the edge's refusals counted in {@code refusals}. */
    public static HttpHandler redirectChain(Consumer<RequestLogRecord> log, AtomicLong sequence, HttpHandler redirect,
                                            EdgeRefusals refusals) {
        return new AccessLogHandler(log,
                new RequestIdHandler(sequence,
                        new JsonErrorHandler(
                                new EdgeRejectionHandler(redirect, refusals))));
    }

    /**
     * A route's chain: on a TLS site with {@code hsts}, {@code Strict-Transport-Security} first; then
     * the stages other modules supply (client IP allow-list, bearer auth, response cache — in the order
     * given, outermost first) around the route's target.
     *
     * @throws IllegalArgumentException the route goes to a cluster with {@code roles} or {@code ips} and no
     *                                  stage that {@linkplain StageFactory#enforcesAccess enforces access} wrapped it
     */
    public static HttpHandler routeChain(List<StageFactory> stages, RouteContext route, HttpHandler target) {
        HttpHandler handler = target;
        boolean guarded = false;
        for (int i = stages.size() - 1; i >= 0; i--) {
            HttpHandler wrapped = stages.get(i).wrap(route, handler);
            guarded |= wrapped != handler && stages.get(i).enforcesAccess();
            handler = wrapped;
        }
        if (!guarded && route.cluster().isPresent()
                && !(route.cluster().get().roles().isEmpty() && route.cluster().get().ips().isEmpty())) {
            // fail closed: access rules that no stage enforces must not leave the cluster open
            throw new IllegalArgumentException("cluster @" + route.cluster().get().name() + " has roles or ips,"
                    + " but no access stage is installed to enforce them; refusing the route");
        }
        SslSpec ssl = route.site().ssl();
        if (ssl.enabled() && ssl.hsts().toSeconds() > 0) {
            handler = new StrictTransportSecurityHandler(ssl.hsts().toSeconds(), handler);
        }
        return handler;
    }
}
