package io.gatehouse.cache.handler;

import io.gatehouse.upstream.Outcome;
import io.gatehouse.upstream.ResponseSink;
import io.gatehouse.upstream.http1.ResponseHead;
import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;
import java.nio.ByteBuffer;
import org.xnio.StreamConnection;
import org.xnio.IoUtils;

/**
 * The sink of a refresh nobody waits on ({@code stale-while-revalidate}): the member's answer goes to
 * its {@link Fill} as a client's would through the proxy, and the request that caused it was answered
 * with the stale entry already. A 304 refreshes the entry, a storable answer replaces it, anything else
 * leaves it as it was.
 */
final class BackgroundFill implements ResponseSink {
    private final Fill fill;
    private final HeaderMap request;
    private boolean copying;

    BackgroundFill(Fill fill, HeaderMap request) {
        this.fill = fill;
        this.request = request;
    }

    @Override
    public void head(ResponseHead head, long bodyLength) {
        HeaderMap fields = new HeaderMap();
        for (int i = 0; i < head.fieldCount(); i++) {
            fields.add(head.name(i), head.value(i));
        }
        copying = fill.decide(head.status(), fields, request, bodyLength, null) == io.gatehouse.spi.ResponseTap.Next.COPY;
    }

    @Override
    public boolean body(ByteBuffer chunk) {
        if (copying) {
            fill.body(chunk);
        }
        chunk.position(chunk.limit());
        return true;
    }

    @Override
    public boolean flush() {
        return true;
    }

    @Override
    public void end() {
        if (copying) {
            fill.end();
        }
    }

    @Override
    public void switched(StreamConnection member, ByteBuffer early) {
        IoUtils.safeClose(member); // a GET without Upgrade: never asked for
    }

    @Override
    public void failed(Outcome outcome) {
        fill.failed(request, outcome.kind(), copying, null);
    }
}
