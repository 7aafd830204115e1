package io.gatehouse.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestLogFormatterTest {

    @Test
    void seedExampleFormatsInTheDocumentedOrderWithStatusBeforeBytes() {
        assertEquals("2016.12.30 18:05:06 127.0.0.1:1778 localhost:5000 GET / HTTP/1.1 200 0 32970 "
                        + "GTID-C3-R8 1000 - - \"Mozilla/5.0 (Windows NT 6.1;) Gecko/20100101 Firefox/50.0\" 4ms 3ms",
                RequestLogFormatter.format(Records.seedExample()));
    }

    @Test
    void seedExampleParsesBackIntoItsSeventeenValues() {
        List<String> f = RequestLogFormatter.parse(RequestLogFormatter.format(Records.seedExample()));
        assertEquals(List.of("2016.12.30", "18:05:06", "127.0.0.1:1778", "localhost:5000", "GET", "/", "HTTP/1.1",
                "200", "0", "32970", "GTID-C3-R8", "1000", "-", "-", Records.FIREFOX, "4ms", "3ms"), f);
    }

    @Test
    void missingValuesPrintAsDashAndTheMissingUserAgentAsQuotedDash() {
        RequestLogRecord r = Records.withStrings(null, "", null, null, null, null, null, "", null);
        String line = RequestLogFormatter.format(r);
        assertEquals("2016.12.30 18:05:06 - - - - - 200 0 0 - 1 - - \"-\" 0ms 0ms", line);
        assertEquals(Records.expectedFields(r), RequestLogFormatter.parse(line));
    }

    @Test
    void userAgentKeepsSpacesAndEscapesQuotesBackslashesAndTabs() {
        RequestLogRecord r = Records.withStrings("1.2.3.4:5", "h:80", "GET", "/", "HTTP/1.1", "g", "u", "t",
                "Bot \"quoted\" C:\\dir\\ \ttab");
        String line = RequestLogFormatter.format(r);
        assertTrue(line.contains(" \"Bot \\\"quoted\\\" C:\\\\dir\\\\ \\x09tab\" "), line);
        assertEquals("Bot \"quoted\" C:\\dir\\ \ttab", RequestLogFormatter.parse(line).get(14));
    }

    @Test
    void controlCharactersInUrlUserAgentAndUserNeverBreakTheLine() {
        RequestLogRecord r = Records.withStrings("1.2.3.4:5", "h:80", "GET", "/a b\r\nInjected: 1", "HTTP/1.1",
                "g", "han\nroh", "t", "agent\r\n2016.12.30 fake line");
        String line = RequestLogFormatter.format(r);
        assertTrue(line.chars().noneMatch(c -> c == '\n' || c == '\r'), line);
        assertTrue(line.contains(" /a\\x20b\\x0D\\x0AInjected:\\x201 "), line);
        assertTrue(line.contains(" han\\x0Aroh "), line);
        assertEquals(Records.expectedFields(r), RequestLogFormatter.parse(line));
    }

    @Test
    void ipv6ClientKeepsItsBrackets() {
        RequestLogRecord r = Records.withStrings("[::1]:5000", "[2001:db8::1]:8443", "GET", "/", "HTTP/2.0", "g",
                null, null, "ua");
        String line = RequestLogFormatter.format(r);
        assertTrue(line.startsWith("2016.12.30 18:05:06 [::1]:5000 [2001:db8::1]:8443 GET / HTTP/2.0 "), line);
        assertEquals("[::1]:5000", RequestLogFormatter.parse(line).get(2));
    }

    @Test
    void nonAsciiIsEscapedAsUtf8BytesAndReadBack() {
        RequestLogRecord r = Records.withStrings("1.2.3.4:5", "h:80", "GET", "/caf\u00e9", "HTTP/1.1", "g",
                "\u65e5\u672c", "t", "emoji \uD83D\uDE00 lone \uD800!");
        String line = RequestLogFormatter.format(r);
        assertTrue(line.contains(" /caf\\xC3\\xA9 "), line);
        assertTrue(line.contains(" \\xE6\\x97\\xA5\\xE6\\x9C\\xAC "), line);
        assertTrue(line.contains("\"emoji \\xF0\\x9F\\x98\\x80 lone \\xEF\\xBF\\xBD!\""), line);
        List<String> f = RequestLogFormatter.parse(line);
        assertEquals("/caf\u00e9", f.get(5));
        assertEquals("\u65e5\u672c", f.get(12));
        assertEquals("emoji \uD83D\uDE00 lone \uFFFD!", f.get(14));
    }

    /**
     * Issue 8, item 6: a user agent sent as UTF-8 arrives one char per byte; read as UTF-8 it is logged
     * as its bytes once ({@code é} is {@code \xC3\xA9}, not {@code \xC3\x83\xC2\xA9}), and bytes that are
     * not UTF-8 are logged as they came.
     */
    @Test
    void wireTextIsLoggedAsTheBytesThatWereSent() {
        String sentAsUtf8 = new String("caf\u00e9 \u65e5".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        RequestLogRecord r = Records.withStrings("1.2.3.4:5", "h:80", WireText.decode("G\u00ffT"), "/", "HTTP/1.1", "g",
                null, null, WireText.decode(sentAsUtf8));
        String line = RequestLogFormatter.format(r);
        assertTrue(line.contains("\"caf\\xC3\\xA9 \\xE6\\x97\\xA5\""), line);
        assertTrue(line.contains(" G\\xFFT / "), "a byte that is not UTF-8 is logged as that byte: " + line);
        List<String> f = RequestLogFormatter.parse(line);
        assertEquals("caf\u00e9 \u65e5", f.get(14));
        assertEquals(r.method(), f.get(4), "and reads back as the same text");
    }

    @Test
    void aValueThatLooksLikeAnEscapeIsReadBackLiterally() {
        RequestLogRecord r = Records.withStrings("1.2.3.4:5", "h:80", "GET", "/\\x41", "HTTP/1.1", "g", "u", "t",
                "\\x41");
        List<String> f = RequestLogFormatter.parse(RequestLogFormatter.format(r));
        assertEquals("/\\x41", f.get(5));
        assertEquals("\\x41", f.get(14));
    }

    @Test
    void dateAndTimeArePaddedAndNumbersPrintInFull() {
        RequestLogRecord r = new RequestLogRecord(LocalDateTime.of(2024, 1, 5, 3, 4, 9), "c:1", "s:2", "POST", "/",
                "HTTP/1.1", 503, Long.MAX_VALUE, 12, "g", 0, null, null, null, 12345, 0);
        String line = RequestLogFormatter.format(r);
        assertEquals("2024.01.05 03:04:09 c:1 s:2 POST / HTTP/1.1 503 9223372036854775807 12 g 0 - - \"-\" 12345ms 0ms",
                line);
    }

    @Test
    void formatToAppendsToTheWritersLine() {
        LineBuffer line = new LineBuffer(8); // grows as it must
        line.put("> ");
        RequestLogFormatter.formatTo(Records.seedExample(), line);
        line.put('\n');
        RequestLogFormatter.formatTo(Records.numbered(7), line);
        String[] lines = line.toString().split("\n");
        assertEquals("> " + RequestLogFormatter.format(Records.seedExample()), lines[0]);
        assertEquals(RequestLogFormatter.format(Records.numbered(7)), lines[1]);
        byte[] copy = new byte[line.length() + 3];
        line.copyTo(copy, 3);
        assertEquals(line.toString(), new String(copy, 3, line.length(), java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void numbersOfEveryWidthAndSignAreWrittenAsJavaWritesThem() {
        for (long v : new long[] {0, 7, 10, 99, 100, 12345, -1, -120, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40}) {
            LineBuffer line = new LineBuffer(1);
            assertEquals(Long.toString(v), line.put(v).toString());
        }
    }

    /** Property: thousands of random records format into one printable-ASCII line that parses back. */
    @Test
    void randomRecordsAlwaysFormatIntoOneLineThatParsesBackIntoSeventeenFields() {
        Random rnd = new Random(20161230);
        for (int i = 0; i < 5000; i++) {
            RequestLogRecord r = new RequestLogRecord(
                    LocalDateTime.of(1000 + rnd.nextInt(9000), 1 + rnd.nextInt(12), 1 + rnd.nextInt(28),
                            rnd.nextInt(24), rnd.nextInt(60), rnd.nextInt(60)),
                    Records.randomString(rnd), Records.randomString(rnd), Records.randomString(rnd),
                    Records.randomString(rnd), Records.randomString(rnd), rnd.nextInt(1000), rnd.nextLong(),
                    rnd.nextInt(Integer.MAX_VALUE), Records.randomString(rnd), rnd.nextLong(),
                    Records.randomString(rnd), Records.randomString(rnd), Records.randomString(rnd),
                    rnd.nextInt(100_000), rnd.nextInt(100_000));
            String line = RequestLogFormatter.format(r);
            for (int k = 0; k < line.length(); k++) {
                char c = line.charAt(k);
                if (c < 0x20 || c >= 0x7F) {
                    fail("record " + i + ": character 0x" + Integer.toHexString(c) + " in line " + line);
                }
            }
            List<String> f = RequestLogFormatter.parse(line);
            assertEquals(RequestLogFormatter.FIELD_COUNT, f.size());
            assertEquals(Records.expectedFields(r), f, "record " + i + ": " + line);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "sixteen fields | 2016.12.30 18:05:06 a b GET / HTTP/1.1 200 0 1 g 1 - - \"ua\" 4ms | has 16 fields",
        "eighteen fields | 2016.12.30 18:05:06 a b GET / HTTP/1.1 200 0 1 g 1 - - \"ua\" 4ms 3ms x | more than 17",
        "two spaces | 2016.12.30 18:05:06 a  b GET / HTTP/1.1 200 0 1 g 1 - - \"ua\" 4ms 3ms | field 4 is empty",
        "trailing space | '2016.12.30 18:05:06 a b GET / HTTP/1.1 200 0 1 g 1 - - \"ua\" 4ms 3ms ' | trailing space",
        "unquoted agent | 2016.12.30 18:05:06 a b GET / HTTP/1.1 200 0 1 g 1 - - ua 4ms 3ms | must start with a double quote",
        "unclosed quote | 2016.12.30 18:05:06 a b GET / HTTP/1.1 200 0 1 g 1 - - \"ua 4ms 3ms | no closing double quote",
        "bad escape | 2016.12.30 18:05:06 a b GET /\\q HTTP/1.1 200 0 1 g 1 - - \"ua\" 4ms 3ms | bad escape",
        "short hex escape | 2016.12.30 18:05:06 a b GET /\\x4 HTTP/1.1 200 0 1 g 1 - - \"ua\" 4ms 3ms | bad escape",
        "raw quote | 2016.12.30 18:05:06 a b GET /\"x HTTP/1.1 200 0 1 g 1 - - \"ua\" 4ms 3ms | raw '\"'",
        "bad date | 30.12.2016 18:05:06 a b GET / HTTP/1.1 200 0 1 g 1 - - \"ua\" 4ms 3ms | field 1 (date)",
        "bad time | 2016.12.30 18h05 a b GET / HTTP/1.1 200 0 1 g 1 - - \"ua\" 4ms 3ms | field 2 (time)",
        "bad duration | 2016.12.30 18:05:06 a b GET / HTTP/1.1 200 0 1 g 1 - - \"ua\" 4 3ms | field 16",
        "seed order line with missing field | 2016.12.30 18:05:06 127.0.0.1:1778 localhost:5000 GET / HTTP/1.1 0 200 32970 GTID-C3-R8 1000 - - 4ms 3ms | must start with a double quote",
    })
    void parseRejectsALineThatIsNotOneAndSaysWhy(String name, String line, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RequestLogFormatter.parse(line));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void parseRejectsRawControlCharactersAndNull() {
        String line = RequestLogFormatter.format(Records.seedExample()).replace("GTID-C3-R8", "GTID\tC3");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RequestLogFormatter.parse(line));
        assertTrue(e.getMessage().contains("control character 0x9"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RequestLogFormatter.parse(null));
    }
}
