package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An answer from the cache keeps nginx's {@code send_timeout} as a proxied one does: a client that takes
 * none of a stored 12 MiB answer for that long ({@code send_timeout = 1} here) is let go, its connection
 * closed, instead of holding it (and the stored buffers) for as long as it likes.
 */
@Timeout(60)
class CacheSendTimeoutTest {
    private static final int SIZE = 12 * 1024 * 1024;

    @RegisterExtension
    final FlowSite site = new FlowSite("cache_memory = 64\ncache_max_object = 16m\n\n[tunefactors]\nsend_timeout = 1");

    @Test
    void aClientThatTakesNoneOfAHitForSendTimeoutIsLetGo() throws Exception {
        site.origin.serve("/big", SIZE, FlowOrigin.FRESH);
        HttpResponse<byte[]> first = site.client.get("/big");
        assertEquals(SIZE, first.body().length);
        FlowClient.await(5, () -> site.stats().memoryEntries() == 1, "the entry is stored");

        long received = 0;
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(32 * 1024);
            s.connect(new InetSocketAddress("127.0.0.1", site.gatehouse.port));
            OutputStream out = s.getOutputStream();
            out.write(("GET /big HTTP/1.1\r\nHost: 127.0.0.1:" + site.gatehouse.port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(3_000); // the stall: takes nothing for three times send_timeout
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                received += n;
            }
        }
        assertTrue(received > 0 && received < SIZE, "the answer was cut short after send_timeout: got " + received
                + " of " + SIZE + " bytes");
        assertEquals(1, site.origin.requests("/big"), "it was a hit");
    }
}
