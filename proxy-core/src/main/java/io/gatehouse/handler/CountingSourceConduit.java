package io.gatehouse.handler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.StreamSourceConduit;

/** Counts the request body bytes an exchange reads (field 9 of the request log). */
final class CountingSourceConduit extends AbstractStreamSourceConduit<StreamSourceConduit> {
    private long count;

    CountingSourceConduit(StreamSourceConduit next) {
        super(next);
    }

    long count() {
        return count;
    }

    private long counted(long n) {
        if (n > 0) {
            count += n;
        }
        return n;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return (int) counted(next.read(dst));
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
        return counted(next.read(dsts, offs, len));
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
        return counted(next.transferTo(position, count, target));
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        long n = next.transferTo(count, throughBuffer, target);
        // bytes left in throughBuffer were read from the request too
        counted(n + (n >= 0 ? throughBuffer.remaining() : 0));
        return n;
    }
}
