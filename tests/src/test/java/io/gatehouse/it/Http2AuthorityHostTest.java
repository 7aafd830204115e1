package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatehouse.server.h2.Http2RequestCheck;
import io.gatehouse.server.h2.StrictHttp2OpenListener;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xnio.ChannelListeners;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * Over a {@link StrictHttp2OpenListener} (h2c with prior knowledge on loopback), a request whose
 * {@code :authority} and {@code Host} disagree is refused by {@link Http2RequestCheck} with a 400, which
 * Undertow's own HTTP/2 listener cannot let it see (it makes {@code Host} the {@code :authority} first);
 * agreeing ones pass, and the handler behind sees the one authority.
 */
@Timeout(30)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http2AuthorityHostTest {
    private XnioWorker worker;
    private AcceptingChannel<StreamConnection> server;

    @BeforeAll
    void start() throws IOException {
        worker = Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 1));
        StrictHttp2OpenListener h2 = new StrictHttp2OpenListener(new DefaultByteBufferPool(false, 16_384), OptionMap.EMPTY);
        h2.setRootHandler(new Http2RequestCheck(exchange ->
                exchange.getResponseSender().send("host=" + exchange.getRequestHeaders().getFirst(Headers.HOST))));
        server = worker.createStreamConnectionServer(new InetSocketAddress("127.0.0.1", 0),
                ChannelListeners.openListenerAdapter(h2), OptionMap.EMPTY);
        server.resumeAccepts();
    }

    @AfterAll
    void stop() throws IOException {
        server.close();
        worker.shutdownNow();
    }

    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of(new String[] {":authority", "a.test"}, 200),
                Arguments.of(new String[] {":authority", "a.test", "host", "a.test"}, 200),
                Arguments.of(new String[] {":authority", "a.test", "host", "A.TEST:80"}, 200),
                Arguments.of(new String[] {":authority", "a.test", "host", "b.test"}, 400),
                Arguments.of(new String[] {":authority", "a.test", "host", "a.test:8080"}, 400),
                Arguments.of(new String[] {":authority", "a.test", "host", "a.test", "host", "b.test"}, 400),
                Arguments.of(new String[] {":authority", "a.test", ":authority", "b.test"}, 400),
                Arguments.of(new String[] {":authority", "a.test", "x-gatehouse-h2-reject", "NONE"}, 400));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("requests")
    void authorityAndHostMustAgree(String[] authorityFields, int expected) throws Exception {
        InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
        try (RawH2 h2 = RawH2.plain(new InetSocketAddress("127.0.0.1", address.getPort())).start()) {
            String[] fields = new String[6 + authorityFields.length];
            System.arraycopy(new String[] {":method", "GET", ":scheme", "http", ":path", "/"}, 0, fields, 0, 6);
            System.arraycopy(authorityFields, 0, fields, 6, authorityFields.length);
            int stream = h2.newStream();
            h2.headers(stream, true, fields);
            RawH2.Answer answer = h2.await(stream);
            assertEquals(expected, answer.status(), answer.toString());
            if (expected == 200) {
                assertEquals("host=a.test", answer.bodyText());
            }
        }
    }
}
