/**
 * Strict at the edge: HTTP/1.1 request framing is validated byte by byte before Undertow parses it,
 * so a request that a front end and a back end could split differently (request smuggling) is
 * refused with a 4xx/5xx and never forwarded. It also refuses, first and with the same answer, what
 * Undertow's own parser and Host check behind it would refuse with an empty 400: every refusal gets
 * the JSON body, a request id and a request-log line of what was received.
 *
 * <p>Wiring, per accepted connection: {@code StrictFramingConduit.install(connection, limits)} then
 * {@code httpOpenListener.handleEvent(connection)}; {@link io.gatehouse.server.edge.EdgeRejectionHandler}
 * sits near the front of the handler chain and answers the refused requests.
 *
 * <p>Parts: {@link io.gatehouse.server.edge.RequestFramingScanner} (pure state machine, fed byte
 * arrays in tests), {@link io.gatehouse.server.edge.StrictFramingConduit} (the XNIO adapter: holding
 * heads, substituting refused requests, the head deadline, waking Undertow), {@code SyntheticRequest}
 * and {@code Marker} (the stand-in request and what it carries of the refused one),
 * {@link io.gatehouse.server.edge.EdgeLimits} and the {@code FramingViolation} catalogue.
 *
 * <p>Known limits: HTTP/1.1 over a plain or TLS {@code StreamConnection} only (HTTP/2 has its own
 * framing and does not pass through here); a chunked body found malformed after its head was
 * delivered aborts the exchange with an {@code IOException} instead of a 400 (logged 499: no answer
 * began); after an accepted
 * {@code Upgrade} the connection is not inspected any more.
 */
package io.gatehouse.server.edge;
