package io.gatehouse.server.edge;

import static io.gatehouse.server.edge.RequestFramingScannerTest.bytes;
import static io.gatehouse.server.edge.RequestFramingScannerTest.splits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conduit over a scripted socket: what Undertow would read, for every way the client's bytes
 * can be split into socket reads and for several sizes of Undertow's buffer.
 */
class StrictFramingConduitTest {

    private static final String H = "Host: a\r\n";
    private static final int[] BUFFER_SIZES = {16 * 1024, 64, 7, 1};
    private static final long TIMEOUT = Duration.ofSeconds(10).toNanos();

    // ---------------------------------------------------------------- pass-through

    static Stream<Arguments> validStreams() {
        return RequestFramingScannerTest.acceptedStreams()
                .map(a -> Arguments.of(a.get()[0], a.get()[2]))
                .filter(a -> !((String) a.get()[1]).startsWith("\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validStreams")
    void validRequestsReachUndertowByteIdenticalAtEverySplitAndBufferSize(String what, String stream) {
        byte[] input = bytes(stream);
        for (int[] cuts : splits(input.length)) {
            for (int size : BUFFER_SIZES) {
                Outcome out = run(EdgeLimits.DEFAULTS, input, cuts, size);
                assertNull(out.failure, what);
                assertArrayEquals(input, out.delivered, () -> what + " cuts " + Arrays.toString(cuts) + " buffer " + size);
                assertTrue(out.endOfStream, what);
            }
        }
    }

    @Test
    void emptyLinesBeforeRequestLinesAreRemovedBeforeUndertowSeesThem() {
        String get = "GET / HTTP/1.1\r\n" + H + "\r\n";
        String post = "POST / HTTP/1.1\r\n" + H + "Content-Length: 2\r\n\r\nab";
        byte[] input = bytes("\r\n\r\n" + get + post + "\r\n" + get + "\r\n" + "\r\n" + post);
        byte[] expected = bytes(get + post + get + post);
        for (int[] cuts : splits(input.length)) {
            for (int size : BUFFER_SIZES) {
                assertArrayEquals(expected, run(EdgeLimits.DEFAULTS, input, cuts, size).delivered,
                        () -> "cuts " + Arrays.toString(cuts) + " buffer " + size);
            }
        }
    }

    @Test
    void aWebSocketConnectionPassesThroughUntouchedAfterItsUpgradeRequest() {
        byte[] input = bytes("GET /ws HTTP/1.1\r\n" + H + "Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
                + "\u0081\u0083\r\n\u0000 GET  / HTTP/9.9\n\n\u00ff");
        for (int[] cuts : splits(input.length)) {
            for (int size : BUFFER_SIZES) {
                assertArrayEquals(input, run(EdgeLimits.DEFAULTS, input, cuts, size).delivered);
            }
        }
    }

    @Test
    void aSmallGetIsHandedOverInTheReadThatBroughtItWithOneSocketRead() throws IOException {
        ScriptedSource source = new ScriptedSource();
        ManualTimers timers = new ManualTimers();
        StrictFramingConduit conduit = new StrictFramingConduit(source, EdgeLimits.DEFAULTS, timers, timers, () -> { });
        byte[] get = bytes("GET /x HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n");
        source.arrive(get);
        ByteBuffer dst = ByteBuffer.allocateDirect(16 * 1024);
        assertEquals(get.length, conduit.read(dst));
        assertEquals(1, source.socketReads);
        assertEquals(0, timers.pending());
    }

    @Test
    void aLargeHeadIsDeliveredInPiecesOnceCompleteAndThePipelinedRequestsAfterIt() {
        String big = "GET /big HTTP/1.1\r\n" + H + "X-Big: " + "v".repeat(20_000) + "\r\n\r\n";
        String small = "GET /small HTTP/1.1\r\n" + H + "\r\n";
        byte[] input = bytes(big + small + small);
        int[][] cutsList = {{}, {5000, 15000, 20030}, {big.length()}, {big.length() - 1, big.length() + 3}};
        for (int[] cuts : cutsList) {
            for (int size : BUFFER_SIZES) {
                Outcome out = run(EdgeLimits.DEFAULTS, input, cuts, size);
                assertArrayEquals(input, out.delivered);
            }
        }
    }

    // ---------------------------------------------------------------- substitution

    @Test
    void aRefusedRequestIsReplacedBySyntheticRequestAfterTheValidOnesBeforeIt() {
        String ok = "GET /ok HTTP/1.1\r\n" + H + "\r\n";
        String bad = "POST /bad?x=1 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: curl/8.5\r\n"
                + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
        String after = "GET /after HTTP/1.1\r\n" + H + "\r\n";
        byte[] input = bytes(ok + bad + after);
        String expected = ok + "GET / HTTP/1.1\r\n"
                + "Host: localhost\r\n"
                + "User-Agent: curl/8.5\r\n"
                + "Content-Length: 0\r\n"
                + "Connection: close\r\n"
                + "X-Gatehouse-Edge-Reject: 400 both Content-Length and Transfer-Encoding|POST|/bad?x=1|example.com:8080\r\n"
                + "\r\n";
        for (int[] cuts : splits(input.length)) {
            for (int size : BUFFER_SIZES) {
                Outcome out = run(EdgeLimits.DEFAULTS, input, cuts, size);
                assertEquals(expected, out.text(), () -> "cuts " + Arrays.toString(cuts) + " buffer " + size);
                assertTrue(out.endOfStream);
                assertNull(out.failure);
            }
        }
    }

    static Stream<Arguments> substitutions() {
        String line = "GET / HTTP/1.1\r\nHost: localhost\r\n";
        return Stream.of(
                Arguments.of("invalid target: kept as received for the log, Host not read yet",
                        "GET /caf\u00e9 HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\n\r\n",
                        line, "400 invalid request target|GET|/caf%E9|"),
                Arguments.of("invalid host: left out, the user agent with obs-text kept",
                        "DELETE /x HTTP/1.1\r\nUser-Agent: caf\u00e9\r\nHost: a b\r\n\r\n",
                        line + "User-Agent: caf\u00e9\r\n", "400 invalid Host header|DELETE|/x|"),
                Arguments.of("CONNECT keeps its method and authority target",
                        "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n",
                        line, "405 CONNECT is not allowed|CONNECT|a:443|"),
                Arguments.of("a garbage method is kept as sent",
                        "G\u0001T|% /x HTTP/1.1\r\nHost: a\r\n\r\n",
                        line, "400 malformed request method|G%01T%7C%25||"),
                Arguments.of("a method too long for Undertow",
                        "M".repeat(34) + " / HTTP/1.1\r\nHost: a\r\n\r\n",
                        line, "501 request method longer than 33 characters|" + "M".repeat(34) + "|/|"),
                Arguments.of("HTTP/2 prior knowledge keeps its method",
                        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                        line, "400 asterisk target is only allowed with OPTIONS|PRI|*|"),
                Arguments.of("unsupported version",
                        "OPTIONS * HTTP/1.2\r\nHost: a\r\n\r\n",
                        line, "505 HTTP version not supported|OPTIONS|*|"),
                Arguments.of("an HTTP/1.0 request is answered in HTTP/1.0",
                        "GET /old HTTP/1.0\r\nHost: a\r\nContent-Length: x\r\n\r\n",
                        "GET / HTTP/1.0\r\nHost: localhost\r\n", "400 invalid Content-Length|GET|/old|a"),
                Arguments.of("two Hosts: neither is kept",
                        "GET /h HTTP/1.1\r\nHost: one.example\r\nUser-Agent: ua\r\nHost: two.example\r\n\r\n",
                        line + "User-Agent: ua\r\n", "400 more than one Host header|GET|/h|"),
                Arguments.of("an absolute target naming another host than Host",
                        "GET http://a.example/p HTTP/1.1\r\nHost: b.example\r\n\r\n",
                        line, "400 Host does not match the request target|GET|http://a.example/p|"),
                Arguments.of("request line too long: the target is kept up to 2 KiB",
                        "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: a\r\n\r\n",
                        line, "414 request line too long|GET|/" + "a".repeat(2047) + "|"),
                Arguments.of("malformed chunk in the same read as its head",
                        "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1 0\r\n",
                        line, "400 malformed chunk size|POST|/up|a"),
                Arguments.of("forged marker",
                        "GET / HTTP/1.1\r\nHost: a\r\nX-Gatehouse-Edge-Reject: 200 fine\r\n\r\n",
                        line, "400 client sent X-Gatehouse-Edge-Reject|GET|/|a"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("substitutions")
    void theSyntheticRequestCarriesWhatWasReceivedAndOnlyTheValidHeaders(String what, String request, String start,
            String marker) {
        String expected = start + "Content-Length: 0\r\nConnection: close\r\nX-Gatehouse-Edge-Reject: " + marker
                + "\r\n\r\n";
        byte[] input = bytes(request);
        for (int[] cuts : List.of(new int[0], new int[] {input.length / 2}, new int[] {3})) {
            for (int size : BUFFER_SIZES) {
                Outcome out = run(EdgeLimits.DEFAULTS, input, cuts, size);
                assertEquals(expected, out.text(), () -> what + ": cuts " + Arrays.toString(cuts) + " buffer " + size);
            }
        }
    }

    @Test
    void afterTheSyntheticRequestTheConnectionReadsAsEndedAndDrainsTheClient() throws IOException {
        ScriptedSource source = new ScriptedSource();
        ManualTimers timers = new ManualTimers();
        StrictFramingConduit conduit = new StrictFramingConduit(source, EdgeLimits.DEFAULTS, timers, timers, () -> { });
        source.arrive(bytes("GET / HTTP/1.1\r\n\r\n"));
        ByteBuffer dst = ByteBuffer.allocate(16 * 1024);
        assertTrue(conduit.read(dst) > 0);
        source.arrive(bytes("more bytes the client sent"));
        dst.clear();
        assertEquals(-1, conduit.read(dst));
        assertEquals(0, dst.position());
        assertTrue(source.drained());
        int awaits = source.awaitCalls;
        conduit.awaitReadable();
        assertEquals(awaits, source.awaitCalls);
        conduit.resumeReads();
        assertEquals(1, source.wakeupCalls);
    }

    @Test
    void aMalformedChunkIsSubstitutedWhenItsHeadCameInTheSameReadAndFailsTheReadOtherwise() {
        String head = "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
        String body = "3\r\nabc\r\n3\r\nabcXX\r\n0\r\n\r\n";
        byte[] input = bytes(head + body);
        int badByte = (head + "3\r\nabc\r\n3\r\nabc").length();
        String synthetic = "GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n"
                + "X-Gatehouse-Edge-Reject: 400 missing CRLF after chunk data|POST|/up|a\r\n\r\n";
        for (int cut = 1; cut < input.length; cut++) {
            Outcome out = run(EdgeLimits.DEFAULTS, input, new int[] {cut}, 16 * 1024);
            if (cut < head.length() || cut > badByte) {
                assertEquals(synthetic, out.text(), "cut " + cut);
                assertNull(out.failure);
            } else {
                assertNotNull(out.failure, "cut " + cut);
                assertEquals("malformed chunked request body: missing CRLF after chunk data", out.failure.getMessage());
                assertEquals((head + body).substring(0, cut), out.text(), "nothing after the first read is delivered");
            }
        }
    }

    @Test
    void aReadThatFailedOnAMalformedChunkKeepsFailing() throws IOException {
        ScriptedSource source = new ScriptedSource();
        ManualTimers timers = new ManualTimers();
        StrictFramingConduit conduit = new StrictFramingConduit(source, EdgeLimits.DEFAULTS, timers, timers, () -> { });
        byte[] head = bytes("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n");
        source.arrive(head).arrive(bytes("-1\r\n"));
        ByteBuffer dst = ByteBuffer.allocate(1024);
        assertEquals(head.length, conduit.read(dst));
        dst.clear();
        IOException first = assertThrows(IOException.class, () -> conduit.read(dst));
        assertEquals("malformed chunked request body: malformed chunk size", first.getMessage());
        assertEquals(0, dst.position());
        assertThrows(IOException.class, () -> conduit.read(dst));
        conduit.awaitReadable();
        assertEquals(0, source.awaitCalls);
    }

    // ---------------------------------------------------------------- liveness

    @Test
    void heldBytesReadyForUndertowWakeItInsteadOfWaitingForTheSocket() throws IOException {
        ScriptedSource source = new ScriptedSource();
        ManualTimers timers = new ManualTimers();
        StrictFramingConduit conduit = new StrictFramingConduit(source, EdgeLimits.DEFAULTS, timers, timers, () -> { });
        source.arrive(bytes("GET /a HTTP/1.1\r\nHo")).arrive(bytes("st: a\r\n\r\nGET /b HTTP/1.1\r\n" + H + "\r\n"));
        ByteBuffer small = ByteBuffer.allocate(8);
        assertEquals(8, conduit.read(small));
        conduit.resumeReads();
        assertEquals(1, source.wakeupCalls);
        assertEquals(0, source.resumeCalls);
        conduit.awaitReadable();
        conduit.awaitReadable(1, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, source.awaitCalls);

        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        for (int guard = 0; guard < 100; guard++) {
            small.clear();
            int n = conduit.read(small);
            if (n <= 0) {
                break;
            }
            rest.write(small.array(), 0, n);
        }
        assertEquals(("GET /a HTTP/1.1\r\n" + H + "\r\nGET /b HTTP/1.1\r\n" + H + "\r\n").substring(8),
                rest.toString(StandardCharsets.ISO_8859_1));
        conduit.resumeReads();
        assertEquals(1, source.resumeCalls);
    }

    @Test
    void scatteringReadsFillTheFirstBufferWithRoom() throws IOException {
        ScriptedSource source = new ScriptedSource();
        ManualTimers timers = new ManualTimers();
        StrictFramingConduit conduit = new StrictFramingConduit(source, EdgeLimits.DEFAULTS, timers, timers, () -> { });
        byte[] get = bytes("GET / HTTP/1.1\r\n" + H + "\r\n");
        source.arrive(get);
        ByteBuffer full = ByteBuffer.allocate(0);
        ByteBuffer room = ByteBuffer.allocate(100);
        assertEquals(get.length, conduit.read(new ByteBuffer[] {full, room}, 0, 2));
        assertEquals(get.length, room.position());
    }

    // ---------------------------------------------------------------- head deadline

    @Test
    void aHeadThatNeverCompletesIsAnswered408AtTheDeadlineAndTheConnectionEnds() throws IOException {
        Harness h = new Harness();
        h.source.arrive(bytes("GET /slow HTTP/1.1\r\nHo"));
        assertEquals(0, h.read());
        assertEquals(1, h.timers.pending());
        h.timers.advance(TIMEOUT - 1);
        assertFalse(h.refused());
        h.timers.advance(1);
        assertTrue(h.refused());
        assertEquals(1, h.source.wakeupCalls, "Undertow, waiting to read, is woken to read the stand-in");
        assertEquals(0, h.timers.pending());
        assertEquals("GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n"
                + "X-Gatehouse-Edge-Reject: 408 request head not complete within header_timeout|GET|/slow|\r\n\r\n",
                h.readText(), "logged with what had arrived");
        assertEquals(-1, h.read());
        assertEquals(0, h.closes);
    }

    @Test
    void theDeadlineRunsFromTheFirstByteOfTheHeadNotFromTheLatest() throws IOException {
        Harness h = new Harness();
        h.source.arrive(bytes("G"));
        assertEquals(0, h.read());
        h.timers.advance(TIMEOUT / 2);
        h.source.arrive(bytes("ET / HTTP/1.1\r\n"));
        assertEquals(0, h.read());
        h.timers.advance(TIMEOUT / 2);
        assertTrue(h.refused());
    }

    @Test
    void aHeadCompletedBeforeTheDeadlineCancelsIt() throws IOException {
        Harness h = new Harness();
        h.source.arrive(bytes("GET / HTTP/1.1\r\nHo"));
        assertEquals(0, h.read());
        h.source.arrive(bytes("st: a\r\n\r\n"));
        assertEquals(27, h.read());
        assertEquals(0, h.timers.pending());
        h.timers.advance(3 * TIMEOUT);
        assertFalse(h.refused());
    }

    @Test
    void aHeadCompleteInOneReadArmsNoTimer() throws IOException {
        Harness h = new Harness();
        h.source.arrive(bytes("GET / HTTP/1.1\r\n" + H + "\r\nPOST / HTTP/1.1\r\n" + H + "Content-Length: 4\r\n\r\nab"));
        assertTrue(h.read() > 0);
        assertEquals(0, h.timers.pending());
    }

    @Test
    void emptyLinesBetweenRequestsDoNotStartTheDeadline() throws IOException {
        Harness h = new Harness();
        h.source.arrive(bytes("GET / HTTP/1.1\r\n" + H + "\r\n\r"));
        assertTrue(h.read() > 0);
        assertEquals(0, h.timers.pending());
    }

    @Test
    void aPipelinedPartialHeadWaitsWhileTheConnectionIsBusyThenGetsTheDeadline() throws IOException {
        Harness h = new Harness();
        h.source.arrive(bytes("GET /1 HTTP/1.1\r\n" + H + "\r\nGET /2 HT"));
        assertEquals(("GET /1 HTTP/1.1\r\n" + H + "\r\n").length(), h.read());
        // Undertow is busy with /1 and does not read: the head of /2 is not the client's fault
        h.timers.advance(TIMEOUT);
        h.timers.advance(TIMEOUT);
        assertFalse(h.refused());
        // /1 is done; Undertow asks for more and the client sends nothing
        h.conduit.resumeReads();
        h.timers.advance(TIMEOUT);
        assertTrue(h.refused());
    }

    @Test
    void eachNewHeadGetsItsOwnDeadline() throws IOException {
        Harness h = new Harness();
        h.source.arrive(bytes("GET /1 HTTP/1.1\r\n"));
        assertEquals(0, h.read());
        h.timers.advance(TIMEOUT / 2);
        h.source.arrive(bytes(H + "\r\nGET /2 HTTP/1.1\r\n"));
        assertTrue(h.read() > 0);
        h.conduit.resumeReads();
        h.timers.advance(TIMEOUT / 2 + 1);
        assertFalse(h.refused());
        h.timers.advance(TIMEOUT / 2);
        assertTrue(h.refused());
    }

    @Test
    void theClientClosingDuringAHeadDropsItAndCancelsTheDeadline() throws IOException {
        Harness h = new Harness();
        h.source.arrive(bytes("GET / HTTP/1.1\r\nHo"));
        assertEquals(0, h.read());
        h.source.end();
        assertEquals(-1, h.read());
        assertEquals(0, h.timers.pending());
    }

    // ---------------------------------------------------------------- helpers

    private static final class Harness {
        final ScriptedSource source = new ScriptedSource();
        final ManualTimers timers = new ManualTimers();
        int closes;
        final StrictFramingConduit conduit =
                new StrictFramingConduit(source, EdgeLimits.DEFAULTS, timers, timers, () -> closes++);

        int read() throws IOException {
            return conduit.read(ByteBuffer.allocate(16 * 1024));
        }

        /** True once the conduit has a stand-in for a refused head waiting for Undertow. */
        boolean refused() {
            return source.wakeupCalls > 0;
        }

        String readText() throws IOException {
            ByteBuffer dst = ByteBuffer.allocate(16 * 1024);
            conduit.read(dst);
            return new String(dst.array(), 0, dst.position(), StandardCharsets.ISO_8859_1);
        }
    }

    record Outcome(byte[] delivered, IOException failure, boolean endOfStream) {
        String text() {
            return new String(delivered, StandardCharsets.ISO_8859_1);
        }
    }

    /** Reads like Undertow, with a buffer of {@code bufferSize}, until end of stream, failure or no more bytes. */
    static Outcome run(EdgeLimits limits, byte[] input, int[] cuts, int bufferSize) {
        ScriptedSource source = new ScriptedSource();
        int from = 0;
        for (int c = 0; c <= cuts.length; c++) {
            int to = c < cuts.length ? cuts[c] : input.length;
            source.arrive(Arrays.copyOfRange(input, from, to));
            from = to;
        }
        source.end();
        ManualTimers timers = new ManualTimers();
        StrictFramingConduit conduit = new StrictFramingConduit(source, limits, timers, timers, () -> { });
        ByteBuffer buf = bufferSize % 2 == 0 ? ByteBuffer.allocateDirect(bufferSize) : ByteBuffer.allocate(bufferSize);
        ByteArrayOutputStream delivered = new ByteArrayOutputStream();
        for (int guard = 0; guard < 10 * input.length + 100; guard++) {
            buf.clear();
            int n;
            try {
                n = conduit.read(buf);
            } catch (IOException e) {
                return new Outcome(delivered.toByteArray(), e, false);
            }
            if (n < 0) {
                return new Outcome(delivered.toByteArray(), null, true);
            }
            buf.flip();
            byte[] chunk = new byte[n];
            buf.get(chunk);
            delivered.write(chunk, 0, n);
        }
        throw new AssertionError("the conduit never reported end of stream");
    }
}
