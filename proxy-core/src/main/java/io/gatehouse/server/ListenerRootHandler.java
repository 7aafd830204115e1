package io.gatehouse.server;

import io.gatehouse.config.model.HostPort;
import io.gatehouse.handler.ErrorReply;
import io.gatehouse.runtime.Runtime;
import io.gatehouse.runtime.RuntimeHolder;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * The root of one listener: reads the current generation once, attaches it to the exchange and
 * hands the exchange to that generation's chain for this listener.
 */
final class ListenerRootHandler implements HttpHandler {
    private final RuntimeHolder holder;
    private final HostPort bind;
    private final InFlight inFlight;

    ListenerRootHandler(RuntimeHolder holder, HostPort bind, InFlight inFlight) {
        this.holder = holder;
        this.bind = bind;
        this.inFlight = inFlight;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        inFlight.enter(exchange);
        Runtime runtime = holder.current();
        HttpHandler chain = runtime == null ? null : runtime.chain(bind);
        if (chain == null) {
            exchange.setPersistent(false);
            ErrorReply.send(exchange, 503, "service unavailable: listener " + bind + " is being removed");
            return;
        }
        exchange.putAttachment(Runtime.KEY, runtime);
        chain.handleRequest(exchange);
    }
}
