package io.gatehouse.config.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    void skipsAByteOrderMarkAndReplacesUndecodableBytes() {
        byte[] bytes = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '[', 'a', ']', '\n', 'x', '=', (byte) 0xFF, '\n'};

        IniFile file = IniReader.read("a.conf", bytes, (pos, message) -> errors.add(message));

        assertEquals("a", file.sections().get(0).name());
        assertEquals("x=\uFFFD", file.sections().get(0).lines().get(0).text());
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
