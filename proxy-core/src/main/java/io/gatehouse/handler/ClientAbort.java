package io.gatehouse.handler;

import io.undertow.server.Connectors;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Protocols;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;

/**
 * Ends a client's request that can no longer be answered properly: its answer was cut short, or the
 * client stopped taking it or sending its body. The one way Gatehouse gives up on a client exchange.
 * On an HTTP/1.1 connection the connection closes, the only way to tell the client that an answer is
 * incomplete and that nothing more of it will be read; on a multiplexed connection (HTTP/2) only the
 * request's stream is reset, and the connection's other requests go on.
 */
public final class ClientAbort {
    private ClientAbort() {
    }

    /**
     * @param responseChannel the exchange's response channel if the caller took it already (Undertow
     *                        hands it out once), or null
     */
    public static void abort(HttpServerExchange exchange, StreamSinkChannel responseChannel) {
        if (exchange.getProtocol().equals(Protocols.HTTP_2_0)) {
            // A stream's channel closed before its end resets that stream (RST_STREAM) and nothing else.
            StreamSinkChannel stream = responseChannel != null ? responseChannel : exchange.getResponseChannel();
            IoUtils.safeClose(stream);
            // Undertow would end the exchange only on a write or flush of the closed channel (its
            // Http2DataStreamSinkChannel runs the completion listener lazily), which never comes: end it
            // here, as closing an HTTP/1.1 connection does, so its completion listeners run. Not
            // endExchange(): on the closed channel it would send a second RST_STREAM.
            Connectors.terminateRequest(exchange);
            Connectors.terminateResponse(exchange);
            return;
        }
        IoUtils.safeClose(exchange.getConnection());
    }
}
