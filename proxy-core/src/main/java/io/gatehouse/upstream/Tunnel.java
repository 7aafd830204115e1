package io.gatehouse.upstream;

import io.undertow.connector.ByteBufferPool;
import io.undertow.util.Transfer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import org.xnio.ChannelExceptionHandler;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.channels.StreamSinkChannel;

/**
 * After a protocol switch (WebSocket), the client and the member connections joined as one byte
 * stream each way, until either side closes. Bytes the member sent right behind its {@code 101} reach
 * the client before anything else.
 */
final class Tunnel {
    private Tunnel() {
    }

    static void start(StreamConnection client, StreamConnection member, ByteBuffer early, ByteBufferPool pool) {
        if (early == null || !early.hasRemaining()) {
            relay(client, member, pool);
            return;
        }
        StreamSinkChannel sink = client.getSinkChannel();
        ChannelListener<StreamSinkChannel> writeEarly = new ChannelListener<>() {
            @Override
            public void handleEvent(StreamSinkChannel channel) {
                try {
                    while (early.hasRemaining()) {
                        if (channel.write(early) == 0) {
                            channel.getWriteSetter().set(this);
                            channel.resumeWrites();
                            return;
                        }
                    }
                } catch (IOException e) {
                    IoUtils.safeClose(client, member);
                    return;
                }
                channel.suspendWrites();
                channel.getWriteSetter().set(null);
                relay(client, member, pool);
            }
        };
        writeEarly.handleEvent(sink);
    }

    private static void relay(StreamConnection client, StreamConnection member, ByteBufferPool pool) {
        ChannelExceptionHandler<Channel> closeBoth = (channel, e) -> IoUtils.safeClose(client, member);
        Transfer.initiateTransfer(member.getSourceChannel(), client.getSinkChannel(),
                ChannelListeners.closingChannelListener(), shutdownThenClose(), closeBoth, closeBoth, pool);
        Transfer.initiateTransfer(client.getSourceChannel(), member.getSinkChannel(),
                ChannelListeners.closingChannelListener(), shutdownThenClose(), closeBoth, closeBoth, pool);
    }

    private static ChannelListener<StreamSinkChannel> shutdownThenClose() {
        return ChannelListeners.writeShutdownChannelListener(
                ChannelListeners.<StreamSinkChannel>flushingChannelListener(ChannelListeners.closingChannelListener(),
                        ChannelListeners.closingChannelExceptionHandler()),
                ChannelListeners.closingChannelExceptionHandler());
    }
}
