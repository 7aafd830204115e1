package io.gatehouse.server.edge;
public final class EdgeRejectionHandler implements io.undertow.server.HttpHandler {
    private final io.undertow.server.HttpHandler next;
    public EdgeRejectionHandler(io.undertow.server.HttpHandler next) { this.next = next; }
    @Override public void handleRequest(io.undertow.server.HttpServerExchange e) throws Exception { next.handleRequest(e); }
}
