package io.gatehouse.server.h2;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.protocols.http2.AbstractHttp2StreamSourceChannel;
import io.undertow.protocols.http2.Http2Channel;
import io.undertow.protocols.http2.Http2StreamSourceChannel;
import io.undertow.server.protocol.framed.FrameHeaderData;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;

/**
 * An HTTP/2 connection that looks at each new request's fields as the client sent them, before
 * Undertow makes {@code Host} the {@code :authority} (after which no handler can tell that they
 * disagreed): a request whose {@code :authority} and {@code Host} disagree
 * ({@link Http2RequestRules#authorityAndHost}) is marked, and {@link Http2RequestCheck} refuses it
 * with a 400 in the chain, where it is logged like any refusal. Costs one look at two fields per stream.
 */
final class StrictHttp2Channel extends Http2Channel {
    /** The mark: the violation's name. A client that sends the field itself only gets its own request refused. */
    static final HttpString MARKER = new HttpString("X-Gatehouse-H2-Reject");

    StrictHttp2Channel(StreamConnection connection, String protocol, ByteBufferPool pool, PooledByteBuffer data,
                       OptionMap settings) {
        super(connection, protocol, pool, data, false, false, settings);
    }

    @Override
    protected AbstractHttp2StreamSourceChannel createChannel(FrameHeaderData header, PooledByteBuffer data)
            throws IOException {
        AbstractHttp2StreamSourceChannel channel = super.createChannel(header, data);
        if (channel instanceof Http2StreamSourceChannel stream) {
            mark(stream.getHeaders());
        }
        return channel;
    }

    /** Marks {@code fields} (a request's, as received) when its {@code :authority} and {@code Host} disagree. */
    static void mark(HeaderMap fields) {
        Http2Violation v = Http2RequestRules.authorityAndHost(fields.get(AUTHORITY), fields.get(Headers.HOST),
                fields.getFirst(SCHEME));
        if (v != null) {
            fields.put(MARKER, v.name());
        }
    }
}
