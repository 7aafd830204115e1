package io.gatehouse.upstream.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponseHeadTest {
    private final ResponseHead head = new ResponseHead();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private int parse(String text) throws MalformedResponseException {
        byte[] b = bytes(text);
        return head.parse(b, b.length);
    }

    @Test
    void aHeaderValueRepeatedFromTheLastResponseIsNotMadeAgain() throws Exception {
        parse("HTTP/1.1 200 OK\r\nServer: origin/1.0\r\nETag: \"a\"\r\nContent-Length: 0\r\n\r\n");
        String server = head.value(0);
        String etag = head.value(1);
        parse("HTTP/1.1 200 OK\r\nServer: origin/1.0\r\nETag: \"b\"\r\nContent-Length: 0\r\n\r\n");
        assertSame(server, head.value(0));
        assertEquals("\"b\"", head.value(1));
        assertEquals("\"a\"", etag);
    }

    @Test
    void readsTheStatusTheFieldsAndWhereTheBodyStarts() throws Exception {
        String text = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
                + "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Odd:   spaced value \t\r\n\r\nhello";
        int length = parse(text);
        assertEquals(text.indexOf("hello"), length);
        assertEquals(200, head.status());
        assertTrue(head.isHttp11());
        assertEquals(5, head.contentLength());
        assertFalse(head.isChunked());
        assertTrue(head.isPersistent());
        assertEquals(5, head.fieldCount());
        assertEquals("Set-Cookie", head.name(2).toString());
        assertEquals("a=1", head.value(2));
        assertEquals("b=2", head.value(3));
        assertEquals("spaced value", head.first(new HttpString("x-odd")), "optional whitespace is trimmed both sides");
    }

    @Test
    void knownNamesAreUndertowsOwnConstantsWhateverTheirCase() throws Exception {
        parse("HTTP/1.1 204 No Content\r\ncontent-TYPE: a\r\nETAG: \"x\"\r\nX-Custom-Thing: y\r\n\r\n");
        assertSame(Headers.CONTENT_TYPE, head.name(0));
        assertSame(Headers.ETAG, head.name(1));
        assertEquals("X-Custom-Thing", head.name(2).toString(), "an unknown name keeps its spelling");
    }

    @Test
    void aHeadCutAnywhereIsIncompleteNeverMalformed() throws Exception {
        byte[] full = bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: b\r\n\r\nok");
        int end = full.length - 2;
        for (int cut = 0; cut < end; cut++) {
            assertEquals(-1, head.parse(full, cut), "cut at " + cut);
        }
        assertEquals(end, head.parse(full, end));
    }

    @Test
    void bareLineFeedsEndLinesToo() throws Exception {
        String text = "HTTP/1.0 200 OK\nContent-Length: 0\nConnection: keep-alive\n\n";
        assertEquals(text.length(), parse(text));
        assertFalse(head.isHttp11());
        assertTrue(head.isPersistent(), "HTTP/1.0 with keep-alive stays open");
    }

    @Test
    void aStatusLineWithoutReasonIsFine() throws Exception {
        assertEquals(16, parse("HTTP/1.1 404\r\n\r\nbody"));
        assertEquals(404, head.status());
    }

    @Test
    void connectionDecidesWhetherTheMemberKeepsTheConnection() throws Exception {
        parse("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
        assertFalse(head.isPersistent());
        parse("HTTP/1.0 200 OK\r\n\r\n");
        assertFalse(head.isPersistent(), "HTTP/1.0 closes unless it says keep-alive");
        parse("HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\n\r\n");
        assertTrue(head.isPersistent());
        assertTrue(head.isConnectionOption(new HttpString("x-hop")));
        assertFalse(head.isConnectionOption(Headers.CONTENT_TYPE));
    }

    @Test
    void chunkedIsTheOnlyTransferEncodingRead() throws Exception {
        parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n");
        assertTrue(head.isChunked());
        assertEquals(-1, head.contentLength());
    }

    @Test
    void oneInstanceParsesManyHeads() throws Exception {
        parse("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\n");
        parse("HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n");
        assertEquals(302, head.status());
        assertEquals(-1, head.contentLength());
        assertTrue(head.isPersistent());
        assertEquals(1, head.fieldCount());
        assertNull(head.first(Headers.CONTENT_LENGTH));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not HTTP                    | this is not HTTP at all\\r\\n\\r\\n
            HTTP/2 status line          | HTTP/2.0 200 OK\\r\\n\\r\\n
            HTTP/1.2                    | HTTP/1.2 200 OK\\r\\n\\r\\n
            two-digit status            | HTTP/1.1 20 OK\\r\\n\\r\\n
            status below 100            | HTTP/1.1 099 Odd\\r\\n\\r\\n
            no space after version      | HTTP/1.1200 OK\\r\\n\\r\\n
            bare CR in status line      | HTTP/1.1 200 O\\rK\\r\\n\\r\\n
            control char in reason      | HTTP/1.1 200 O\\u0001K\\r\\n\\r\\n
            no colon                    | HTTP/1.1 200 OK\\r\\nBroken Header Line\\r\\n\\r\\n
            space before colon          | HTTP/1.1 200 OK\\r\\nContent-Length : 2\\r\\n\\r\\nok
            obsolete line folding       | HTTP/1.1 200 OK\\r\\nX-A: 1\\r\\n  2\\r\\n\\r\\n
            empty name                  | HTTP/1.1 200 OK\\r\\n: x\\r\\n\\r\\n
            NUL in a value              | HTTP/1.1 200 OK\\r\\nX-A: a\\u0000b\\r\\n\\r\\n
            bare CR in a value          | HTTP/1.1 200 OK\\r\\nX-A: a\\rb\\r\\n\\r\\n
            bare CR ending the head     | HTTP/1.1 200 OK\\r\\nX-A: a\\r\\n\\rx
            Content-Length twice        | HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nContent-Length: 2\\r\\n\\r\\nok
            Content-Length as a list    | HTTP/1.1 200 OK\\r\\nContent-Length: 2, 2\\r\\n\\r\\nok
            negative Content-Length     | HTTP/1.1 200 OK\\r\\nContent-Length: -1\\r\\n\\r\\n
            empty Content-Length        | HTTP/1.1 200 OK\\r\\nContent-Length:\\r\\n\\r\\n
            huge Content-Length         | HTTP/1.1 200 OK\\r\\nContent-Length: 9999999999999999999\\r\\n\\r\\n
            length and chunked          | HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n
            gzip transfer coding        | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n
            chunked twice               | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n
            chunked in HTTP/1.0         | HTTP/1.0 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n
            """)
    void refusesWhatCouldBeReadTwoWays(String name, String escaped) {
        String text = escaped.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0001", "\u0001")
                .replace("\\u0000", "\u0000");
        assertThrows(MalformedResponseException.class, () -> parse(text), name);
    }

    @Test
    void refusesMoreFieldsThanItKeeps() {
        StringBuilder text = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (int i = 0; i <= ResponseHead.MAX_FIELDS; i++) {
            text.append("X-").append(i).append(": v\r\n");
        }
        text.append("\r\n");
        MalformedResponseException e = assertThrows(MalformedResponseException.class, () -> parse(text.toString()));
        assertTrue(e.getMessage().contains("more than " + ResponseHead.MAX_FIELDS), e.getMessage());
    }

    @Test
    void aGarbagePrefixIsRefusedBeforeTheHeadCouldEnd() {
        assertThrows(MalformedResponseException.class, () -> head.parse(bytes("HTTX"), 4));
    }
}
