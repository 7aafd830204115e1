package io.gatehouse.config.source;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Scans a configuration file into sections and positioned lines, keeping everything an INI library
 * would lose: duplicate sections stay separate, duplicate keys stay separate lines, {@code .} and
 * {@code :} in keys and route lines are plain characters, and every line keeps its number.
 *
 * <p>Syntax: {@code [name]} starts a section; a line whose first non-blank character is {@code ;} or
 * {@code #} is a comment, and so is the rest of a line from a {@code ;} or {@code #} preceded by
 * whitespace. Leading and trailing whitespace is ignored (there are no continuation lines). Files are
 * UTF-8: a byte-order mark is skipped, and bytes that are not UTF-8 are an error at their line (they
 * are read as U+FFFD, so any input scans and its other problems are found too).
 *
 * <p>Splitting {@code key = value} lines is the binders' job ({@code config.bind.KeyValues}), so that
 * a section that is rejected as a whole gives one message, not one per line.
 */
public final class IniReader {
    private IniReader() {
    }

    /**
     * Scans {@code bytes} as the file {@code file}; structural problems go to {@code errors}. Bytes that
     * are not UTF-8 are an error at their line ({@link #checkUtf8}); the rest of the file is still read,
     * with U+FFFD in their place, so that its other problems are reported too.
     */
    public static IniFile read(String file, byte[] bytes, BiConsumer<SourcePos, String> errors) {
        checkUtf8(file, bytes, errors);
        return read(file, decode(bytes), errors);
    }

    /** Scans {@code text} as the file {@code file}; structural problems go to {@code errors}. */
    public static IniFile read(String file, String text, BiConsumer<SourcePos, String> errors) {
        List<IniSection> sections = new ArrayList<>();
        SourcePos sectionPos = null;
        String sectionName = null;
        boolean sectionValid = false;
        List<IniLine> lines = new ArrayList<>();
        boolean reportedOutside = false;

        int lineNo = 0;
        int start = 0;
        int length = text.length();
        while (start <= length) {
            int end = start;
            while (end < length && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            lineNo++;
            String raw = text.substring(start, end);
            if (end < length && text.charAt(end) == '\r' && end + 1 < length && text.charAt(end + 1) == '\n') {
                end++;
            }
            start = end + 1;
            if (start > length && raw.isEmpty()) {
                break;
            }

            SourcePos pos = new SourcePos(file, lineNo);
            String content = stripComment(raw).strip();
            if (content.isEmpty()) {
                continue;
            }
            if (content.charAt(0) == '[') {
                if (sectionName != null && sectionValid) {
                    sections.add(new IniSection(sectionPos, sectionName, lines));
                }
                lines = new ArrayList<>();
                sectionPos = pos;
                int close = content.indexOf(']');
                if (close < 0 || close != content.length() - 1) {
                    errors.accept(pos, "malformed section header " + Shown.of(content)
                            + "; expected [name] alone on the line");
                    sectionName = "";
                    sectionValid = false;
                } else {
                    sectionName = content.substring(1, close).strip();
                    sectionValid = !sectionName.isEmpty();
                    if (!sectionValid) {
                        errors.accept(pos, "empty section name []");
                    }
                }
                continue;
            }
            if (sectionName == null) {
                if (!reportedOutside) {
                    errors.accept(pos, "line outside any section: " + Shown.of(content)
                            + "; a file starts with a [section] header");
                    reportedOutside = true;
                }
                continue;
            }
            if (sectionValid) {
                lines.add(new IniLine(pos, content));
            }
        }
        if (sectionName != null && sectionValid) {
            sections.add(new IniSection(sectionPos, sectionName, lines));
        }
        return new IniFile(file, sections);
    }

    /**
     * Removes a comment: the whole line when its first non-blank character is {@code ;} or {@code #},
     * otherwise everything from the first {@code ;} or {@code #} that follows whitespace.
     */
    static String stripComment(String line) {
        int i = 0;
        while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        if (i < line.length() && (line.charAt(i) == ';' || line.charAt(i) == '#')) {
            return "";
        }
        for (int j = i + 1; j < line.length(); j++) {
            char c = line.charAt(j);
            if ((c == ';' || c == '#') && Character.isWhitespace(line.charAt(j - 1))) {
                return line.substring(0, j);
            }
        }
        return line;
    }

    /**
     * Reports the first line holding bytes that are not UTF-8 (a file saved as Latin-1 or Windows-1252,
     * say), naming the byte and its column, and how many more lines have such bytes. Lines are counted
     * as {@link #read(String, String, BiConsumer)} counts them (LF, CRLF or a lone CR ends one).
     */
    static void checkUtf8(String file, byte[] bytes, BiConsumer<SourcePos, String> errors) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(Math.min(bytes.length, 8192) + 1);
        int firstLine = 0;
        String first = null;
        int badLines = 0;
        int lastBadLine = 0;
        int line = 1;
        int lineStart = 0;
        int counted = 0; // bytes up to here have been scanned for line ends
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            out.clear();
            if (result.isUnderflow()) {
                break; // all read (an incomplete sequence at the end is an error, not an underflow)
            }
            if (result.isOverflow()) {
                continue;
            }
            int at = in.position();
            for (; counted < at; counted++) {
                byte b = bytes[counted];
                if (b == '\n' || b == '\r' && (counted + 1 >= bytes.length || bytes[counted + 1] != '\n')) {
                    line++;
                    lineStart = counted + 1;
                }
            }
            if (line != lastBadLine) {
                badLines++;
                lastBadLine = line;
                if (first == null) {
                    firstLine = line;
                    first = String.format("byte 0x%02X at column %d is not UTF-8", bytes[at] & 0xff, at - lineStart + 1);
                }
            }
            in.position(at + Math.max(1, result.length()));
            decoder.reset();
        }
        if (first != null) {
            int more = badLines - 1;
            errors.accept(new SourcePos(file, firstLine), first + "; configuration files are UTF-8: save the file as"
                    + " UTF-8" + (more == 0 ? "" : " (" + more + " more line" + (more == 1 ? " has" : "s have")
                    + " bytes that are not UTF-8)"));
        }
    }

    /** UTF-8 with a leading byte-order mark skipped; malformed bytes become U+FFFD instead of failing. */
    static String decode(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        String text;
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes));
            text = chars.toString();
        } catch (CharacterCodingException e) {
            // Cannot happen with REPLACE; fall back to the lenient String constructor.
            text = new String(bytes, StandardCharsets.UTF_8);
        }
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }
}
