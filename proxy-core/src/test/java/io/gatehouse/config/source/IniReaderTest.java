package io.gatehouse.config.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IniReaderTest {
    private final List<String> errors = new ArrayList<>();

    private IniFile read(String text) {
        return IniReader.read("conf.d/a.conf", text, (pos, message) -> errors.add(pos + ": " + message));
    }

    @Test
    void keepsDuplicateSectionsAndKeysApartWithTheirLineNumbers() {
        IniFile file = read("[routes:line]\n/ = /var/www\n/ = @app\n\n[routes:line]\n/a.b = @c\n");

        assertEquals(List.of(), errors);
        assertEquals(2, file.sections().size());
        IniSection first = file.sections().get(0);
        assertEquals(new SourcePos("conf.d/a.conf", 1), first.pos());
        assertEquals(List.of(new IniLine(new SourcePos("conf.d/a.conf", 2), "/ = /var/www"),
                new IniLine(new SourcePos("conf.d/a.conf", 3), "/ = @app")), first.lines());
        assertEquals(List.of(new IniLine(new SourcePos("conf.d/a.conf", 6), "/a.b = @c")), file.sections().get(1).lines());
        assertEquals(true, first.isLineSection());
    }

    @Test
    void dropsWholeLineCommentsAndInlineCommentsAfterWhitespace() {
        IniFile file = read("""
                [server]
                ; a comment
                  # an indented comment
                name = shop ; the name
                key = a;b#c
                url = http://x/#frag\t# tab comment
                """);

        assertEquals(List.of("name = shop", "key = a;b#c", "url = http://x/#frag"),
                file.sections().get(0).lines().stream().map(IniLine::text).toList());
        assertEquals(List.of(4, 5, 6), file.sections().get(0).lines().stream().map(l -> l.pos().line()).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "LF|[a]\\nx = 1\\ny = 2",
        "CRLF|[a]\\r\\nx = 1\\r\\ny = 2\\r\\n",
        "CR|[a]\\rx = 1\\ry = 2\\r"})
    void countsLinesTheSameWhateverTheLineEnding(String name, String text) {
        IniFile file = read(text.replace("\\n", "\n").replace("\\r", "\r"));

        assertEquals(List.of(2, 3), file.sections().get(0).lines().stream().map(l -> l.pos().line()).toList());
    }

    @Test
    void skipsAByteOrderMark() {
        byte[] bytes = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '[', 'a', ']', '\n', 'x', '=', (byte) 0xC3, (byte) 0xA9, '\n'};

        IniFile file = IniReader.read("a.conf", bytes, (pos, message) -> errors.add(message));

        assertEquals(List.of(), errors);
        assertEquals("a", file.sections().get(0).name());
        assertEquals("x=\u00e9", file.sections().get(0).lines().get(0).text());
    }

    /** A file saved as Latin-1 is an error naming the line, not text with U+FFFD in it (issue 8). */
    @Test
    void bytesThatAreNotUtf8AreAnErrorAtTheirLineAndTheRestIsStillRead() {
        byte[] latin1 = "[server]\r\nname = caf\u00e9\r\n\r\nx = na\u00efve \u00e0 la\n[ok]\ny = 1\n"
                .getBytes(StandardCharsets.ISO_8859_1);

        IniFile file = IniReader.read("conf.d/a.conf", latin1, (pos, message) -> errors.add(pos + ": " + message));

        assertEquals(List.of("conf.d/a.conf:2: byte 0xE9 at column 11 is not UTF-8; configuration files are UTF-8:"
                + " save the file as UTF-8 (1 more line has bytes that are not UTF-8)"), errors);
        assertEquals("name = caf\uFFFD", file.sections().get(0).lines().get(0).text());
        assertEquals("y = 1", file.sections().get(1).lines().get(0).text());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a lone continuation byte|80",
        "a sequence cut short at the end|E2 82",
        "an overlong encoding|C0 AF",
        "a surrogate encoded in UTF-8|ED A0 80",
        "0xFF|FF"})
    void everyKindOfBadUtf8IsFound(String name, String hex) {
        String[] parts = hex.split(" ");
        byte[] bad = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            bad[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        byte[] head = "[a]\rx = ".getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[head.length + bad.length];
        System.arraycopy(head, 0, bytes, 0, head.length);
        System.arraycopy(bad, 0, bytes, head.length, bad.length);

        IniReader.read("a.conf", bytes, (pos, message) -> errors.add(pos + ": " + message));

        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("a.conf:2: byte 0x" + parts[0] + " at column 5 is not UTF-8"), errors.get(0));
    }

    @Test
    void reportsStructuralProblemsAndSkipsTheLinesOfABrokenSection() {
        IniFile file = read("stray = 1\nstray2 = 2\n[server\nport = 1\n[]\nx = 1\n[ok]\ny = 2\n");

        assertEquals(List.of(
                "conf.d/a.conf:1: line outside any section: \"stray = 1\"; a file starts with a [section] header",
                "conf.d/a.conf:3: malformed section header \"[server\"; expected [name] alone on the line",
                "conf.d/a.conf:5: empty section name []"), errors);
        assertEquals(List.of("ok"), file.sections().stream().map(IniSection::name).toList());
    }

    @Test
    void readsAnEmptyFileAsNoSections() {
        assertEquals(List.of(), read("").sections());
        assertEquals(List.of(), IniReader.read("a", new byte[0], (p, m) -> errors.add(m)).sections());
        assertEquals(List.of(), errors);
    }

    @Test
    void keepsSectionNamesAsWrittenAndMatchesThemCaseInsensitively() {
        IniSection section = read("[ Routes:LINE ]\n").sections().get(0);

        assertEquals("Routes:LINE", section.name());
        assertEquals("routes:line", section.lowerName());
        assertEquals(true, section.isLineSection());
    }

    @Test
    void showsValuesQuotedShortAndOnOneLine() {
        assertEquals("\"a\\\"b\\u0000\\u000a\"", Shown.of("a\"b\u0000\n"));
        assertEquals(85, Shown.of("x".repeat(500)).length());
        assertEquals("x".repeat(80) + "...", Shown.cut("x".repeat(81)));
        assertEquals("caf\u00e9", new String(Shown.cut("caf\u00e9").getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }
}
