package io.gatehouse.server.edge;

import io.gatehouse.server.HostCheck;
import java.nio.ByteBuffer;

/**
 * Reads the bytes a client sends on one HTTP/1.1 connection, once each, and decides where every
 * request starts and ends, or why it cannot be read one way only.
 *
 * <p>This is the pure core of {@link StrictFramingConduit}: no sockets, no threads, no allocation
 * after construction (except {@link #summary} on the rejection path). It is fed with any split of
 * the stream ({@link #scan}) and keeps all state between calls. It follows request heads byte by
 * byte, passes {@code Content-Length} bodies by arithmetic, follows chunked bodies by their size
 * lines and stops at the first {@link FramingViolation}; after one it consumes nothing more.
 *
 * <p>Positions are counted in the stream as delivered: {@link #position()} is the number of bytes
 * scanned so far minus the leading empty lines it asked the caller to drop ({@link #takeSkipped}).
 * Undertow 2.4 refuses empty lines before a request line, so they are removed, not passed on.
 */
final class RequestFramingScanner {

    /** Empty lines (CRLF) accepted before a request line, as RFC 9112 section 2.2 allows. */
    static final int MAX_EMPTY_LINES = 4;

    private static final int CR = '\r';
    private static final int LF = '\n';
    private static final int SP = ' ';
    private static final int HT = '\t';

    // Character classes (RFC 9110 / RFC 3986), one table lookup per byte.
    private static final int TOKEN = 1;
    private static final int FIELD_VCHAR = 1 << 1;   // HTAB, SP, VCHAR, obs-text
    private static final int HEX = 1 << 2;
    private static final int TARGET_CHAR = 1 << 3;   // VCHAR except '#' (no fragment) and '%' (checked apart)
    private static final int REG_NAME = 1 << 4;      // unreserved and sub-delims
    private static final int QDTEXT = 1 << 5;
    private static final int QUOTED_PAIR = 1 << 6;   // HTAB, SP, VCHAR, obs-text
    private static final int DIGIT = 1 << 7;
    private static final int[] CLASS = new int[256];

    static {
        for (int c = 0; c < 256; c++) {
            int k = 0;
            boolean alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
            boolean digit = c >= '0' && c <= '9';
            boolean vchar = c >= 0x21 && c <= 0x7E;
            if (alpha || digit || "!#$%&'*+-.^_`|~".indexOf(c) >= 0) {
                k |= TOKEN;
            }
            if (vchar || c == SP || c == HT || c >= 0x80) {
                k |= FIELD_VCHAR | QUOTED_PAIR;
            }
            if (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
                k |= HEX;
            }
            if (vchar && c != '#' && c != '%') {
                k |= TARGET_CHAR;
            }
            if (alpha || digit || "-._~!$&'()*+,;=".indexOf(c) >= 0) {
                k |= REG_NAME;
            }
            if (c == HT || c == SP || c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E) || c >= 0x80) {
                k |= QDTEXT;
            }
            if (digit) {
                k |= DIGIT;
            }
            CLASS[c] = k;
        }
    }

    // Scanner states.
    private static final int REQUEST_START = 0;
    private static final int EMPTY_LINE_LF = 1;
    private static final int METHOD = 2;
    private static final int TARGET_START = 3;
    private static final int ABSOLUTE_PREFIX = 4;
    private static final int TARGET = 5;
    private static final int TARGET_PERCENT_1 = 6;
    private static final int TARGET_PERCENT_2 = 7;
    private static final int AUTHORITY_HOST = 8;
    private static final int AUTHORITY_IPV6 = 9;
    private static final int AUTHORITY_AFTER_IPV6 = 10;
    private static final int AUTHORITY_PORT = 11;
    private static final int ASTERISK = 12;
    private static final int SKIP_WORD = 13;
    private static final int VERSION = 14;
    private static final int REQUEST_LINE_LF = 15;
    private static final int FIELD_START = 16;
    private static final int FIELD_NAME = 17;
    private static final int FIELD_VALUE = 18;
    private static final int FIELD_LF = 19;
    private static final int SECTION_LF = 20;
    private static final int FIXED_BODY = 21;
    private static final int CHUNK_SIZE = 22;
    private static final int CHUNK_EXT_NAME_START = 23;
    private static final int CHUNK_EXT_NAME = 24;
    private static final int CHUNK_EXT_VALUE_START = 25;
    private static final int CHUNK_EXT_TOKEN = 26;
    private static final int CHUNK_EXT_QUOTED = 27;
    private static final int CHUNK_EXT_QUOTED_PAIR = 28;
    private static final int CHUNK_EXT_AFTER_QUOTED = 29;
    private static final int CHUNK_SIZE_LF = 30;
    private static final int CHUNK_DATA = 31;
    private static final int CHUNK_DATA_CR = 32;
    private static final int CHUNK_DATA_LF = 33;
    private static final int TUNNEL = 34;
    private static final int REJECTED = 35;

    /**
     * The longest method Undertow's parser takes: the edge refuses longer ones first (with 501), so that
     * every refusal has its JSON body and its log line.
     */
    static final int MAX_METHOD_LENGTH = 33;

    /** What a refused request's method and target are copied up to, for its log line. */
    static final int MAX_COPIED_METHOD = 256;
    static final int MAX_COPIED_TARGET = 2048;

    // Header fields the scanner interprets; matched case-insensitively, '_' read as '-'.
    private static final int OTHER = 0;
    private static final int HOST = 1;
    private static final int CONTENT_LENGTH = 2;
    private static final int TRANSFER_ENCODING = 3;
    private static final int UPGRADE = 4;
    private static final int USER_AGENT = 5;
    private static final int MARKER = 6;
    private static final byte[][] KNOWN_NAMES = {
            ascii("host"), ascii("content-length"), ascii("transfer-encoding"), ascii("upgrade"),
            ascii("user-agent"), ascii(StrictFramingConduit.MARKER_HEADER_NAME.toLowerCase(java.util.Locale.ROOT))};
    private static final int ALL_NAMES = (1 << KNOWN_NAMES.length) - 1;
    private static final int MARKER_NAME = 1 << (MARKER - 1);

    /** A copied Host or User-Agent longer than this is left out of the substituted request. */
    private static final int MAX_COPIED_VALUE = 255;

    private static final byte[] HTTP_SLASH = ascii("HTTP/");
    private static final byte[] CONNECT_LOWER = ascii("connect");
    private static final byte[] OPTIONS_EXACT = ascii("OPTIONS");

    private final int maxHeaderSize;
    private final int maxRequestLine;
    private final int maxHeaders;

    private int state = REQUEST_START;
    private long position;
    private int skipped;
    private int headsCompleted;
    private FramingViolation violation;

    // The current request.
    private long requestStart;
    private int emptyLines;
    private boolean http11;
    private int methodLength;
    private int connectMatch;
    private int optionsMatch;
    private int absoluteIndex;
    private int percentReturn;
    // SKIP_WORD: the violation to report once the word ends, how many words are left, where to stop anyway
    private FramingViolation pending;
    private int skipWords;
    private long skipLimit;
    private int authorityLength;
    private int versionIndex;
    private int versionMajor;
    private int versionMinor;
    private boolean versionRead;
    private boolean inTrailers;
    private long trailerStart;
    private int fieldCount;
    private int nameMask;
    private int nameLength;
    private boolean nameUnderscore;
    private int fieldKind;

    private int hostCount;
    private int hostState;
    private int hostPortDigits;
    private int hostPort;
    private boolean hostHasPort;
    private int hostLiteralLength;
    private long hostLiteralStart;
    private long hostLiteralEnd;
    private boolean absoluteForm;
    private long authorityStart;
    private long authorityEnd;
    private long fieldValueStart;
    private long fieldValueEnd;
    private long hostStart;
    private long hostEnd;
    private boolean hostUsable;

    private int contentLengthCount;
    private int contentLengthState;
    private int contentLengthDigits;
    private long contentLengthValue;
    private long contentLength;

    private final ListElements transferCodings = new ListElements(ascii("chunked"));
    private boolean transferEncodingSeen;
    private boolean transferEncodingMalformed;
    private int chunkedCodings;
    private int otherCodings;
    private boolean lastCodingChunked;

    private final ListElements upgradeProtocols = new ListElements(ascii("h2c"));
    private boolean tunnelAfterRequest;

    private int userAgentCount;
    private long userAgentStart;
    private long userAgentEnd;
    private boolean userAgentUsable;

    // The body.
    private long remaining;
    private int chunkDigits;
    private long chunkSize;
    private long chunkLineStart;

    RequestFramingScanner(EdgeLimits limits) {
        this.maxHeaderSize = limits.maxHeaderSize();
        this.maxRequestLine = limits.maxRequestLine();
        this.maxHeaders = limits.maxHeaders();
        resetRequest();
    }

    /** Bytes scanned so far, without the empty lines dropped through {@link #takeSkipped}. */
    long position() {
        return position;
    }

    /** Why the stream was refused, or null while it is valid. */
    FramingViolation violation() {
        return violation;
    }

    /** Stream position of the first byte of the current request (its request line, or an empty line). */
    long requestStart() {
        return requestStart;
    }

    /**
     * True while the scanner is inside a request head, or inside an empty line before one: these
     * bytes, from {@link #requestStart()} on, must not be handed to Undertow yet.
     */
    boolean holding() {
        return state == EMPTY_LINE_LF || headInProgress();
    }

    /** True once a request line has begun and until its head is complete. */
    boolean headInProgress() {
        return !inTrailers && state >= METHOD && state <= SECTION_LF;
    }

    /** How many request heads have been read to their final empty line. */
    int headsCompleted() {
        return headsCompleted;
    }

    /** True after a request that asked for a protocol upgrade: everything that follows is opaque. */
    boolean tunnelling() {
        return state == TUNNEL;
    }

    /**
     * Bytes the caller must remove: after {@link #scan} returns at index {@code i}, the
     * {@code takeSkipped()} bytes just before {@code i} (an empty line before a request line) are not
     * part of the delivered stream. Returns 0 when there is nothing to remove; resets to 0.
     */
    int takeSkipped() {
        int s = skipped;
        skipped = 0;
        return s;
    }

    /**
     * Scans {@code buf[from, to)} (absolute indexes; the buffer's position and limit are ignored).
     * Returns the index where scanning stopped: {@code to}, or earlier when an empty line must be
     * dropped ({@link #takeSkipped}) or a violation was found ({@link #violation}).
     */
    int scan(ByteBuffer buf, int from, int to) {
        final long base = position - from;
        int i = from;
        while (i < to && state != REJECTED) {
            switch (state) {
                case REQUEST_START: {
                    int b = buf.get(i) & 0xFF;
                    requestStart = base + i;
                    if (b == CR) {
                        state = EMPTY_LINE_LF;
                        i++;
                    } else if ((CLASS[b] & TOKEN) != 0) {
                        state = METHOD;
                    } else {
                        failAtWordEnd(b, FramingViolation.INVALID_METHOD, 1, requestStart + MAX_COPIED_METHOD);
                    }
                    break;
                }
                case EMPTY_LINE_LF: {
                    int b = buf.get(i) & 0xFF;
                    if (b != LF) {
                        fail(b == 0 ? FramingViolation.NUL_BYTE : FramingViolation.BARE_CR);
                        break;
                    }
                    if (++emptyLines > MAX_EMPTY_LINES) {
                        fail(FramingViolation.TOO_MANY_EMPTY_LINES);
                        break;
                    }
                    i++;
                    state = REQUEST_START;
                    skipped = 2;
                    position = base + i - 2;
                    return i;
                }
                case METHOD: {
                    int b = buf.get(i) & 0xFF;
                    if (lineTooLong(base + i)) {
                        break;
                    }
                    if ((CLASS[b] & TOKEN) != 0) {
                        if (methodLength == MAX_METHOD_LENGTH) {
                            failAtWordEnd(b, FramingViolation.METHOD_TOO_LONG, 2, requestStart + MAX_COPIED_METHOD);
                            break;
                        }
                        matchMethod(b);
                        i++;
                    } else if (b == SP) {
                        i++;
                        if (methodLength == CONNECT_LOWER.length && connectMatch == CONNECT_LOWER.length) {
                            // refused, once its authority target is read for the log
                            skipThenFail(FramingViolation.CONNECT_NOT_ALLOWED, 1, requestStart + maxRequestLine);
                            break;
                        }
                        state = TARGET_START;
                    } else {
                        failAtWordEnd(b, FramingViolation.INVALID_METHOD, 1, requestStart + MAX_COPIED_METHOD);
                    }
                    break;
                }
                case TARGET_START: {
                    int b = buf.get(i) & 0xFF;
                    if (lineTooLong(base + i)) {
                        break;
                    }
                    if (b == '/') {
                        state = TARGET;
                        i++;
                    } else if (b == '*') {
                        state = ASTERISK;
                        i++;
                    } else if (b == 'h' || b == 'H') {
                        absoluteIndex = 1;
                        state = ABSOLUTE_PREFIX;
                        i++;
                    } else {
                        if (b == SP) {
                            fail(FramingViolation.MALFORMED_REQUEST_LINE);
                        } else {
                            failAtWordEnd(b, FramingViolation.INVALID_TARGET, 1, requestStart + maxRequestLine);
                        }
                    }
                    break;
                }
                case ABSOLUTE_PREFIX: {
                    int b = buf.get(i) & 0xFF;
                    if (lineTooLong(base + i)) {
                        break;
                    }
                    if (absolutePrefix(b, base + i)) {
                        i++;
                    } else {
                        failAtWordEnd(b, FramingViolation.INVALID_TARGET, 1, requestStart + maxRequestLine);
                    }
                    break;
                }
                case TARGET: {
                    int limit = limitIndex(base, to, requestStart + maxRequestLine);
                    while (i < limit && (CLASS[buf.get(i) & 0xFF] & TARGET_CHAR) != 0) {
                        i++;
                    }
                    if (i == to) {
                        break;
                    }
                    if (i == limit) {
                        fail(FramingViolation.REQUEST_LINE_TOO_LONG);
                        break;
                    }
                    int b = buf.get(i) & 0xFF;
                    if (b == '%') {
                        percentReturn = TARGET;
                        state = TARGET_PERCENT_1;
                        i++;
                    } else if (b == SP) {
                        endTarget();
                        i++;
                    } else {
                        failAtWordEnd(b, FramingViolation.INVALID_TARGET, 1, requestStart + maxRequestLine);
                    }
                    break;
                }
                case AUTHORITY_HOST:
                case AUTHORITY_IPV6:
                case AUTHORITY_AFTER_IPV6:
                case AUTHORITY_PORT: {
                    int b = buf.get(i) & 0xFF;
                    if (lineTooLong(base + i)) {
                        break;
                    }
                    if (authority(b, base + i)) {
                        i++;
                    } else {
                        failAtWordEnd(b, FramingViolation.INVALID_TARGET, 1, requestStart + maxRequestLine);
                    }
                    break;
                }
                case TARGET_PERCENT_1:
                case TARGET_PERCENT_2: {
                    int b = buf.get(i) & 0xFF;
                    if (lineTooLong(base + i)) {
                        break;
                    }
                    if ((CLASS[b] & HEX) == 0) {
                        failAtWordEnd(b, FramingViolation.INVALID_TARGET, 1, requestStart + maxRequestLine);
                        break;
                    }
                    state = state == TARGET_PERCENT_1 ? TARGET_PERCENT_2 : percentReturn;
                    i++;
                    break;
                }
                case ASTERISK: {
                    int b = buf.get(i) & 0xFF;
                    if (lineTooLong(base + i)) {
                        break;
                    }
                    if (b != SP) {
                        failAtWordEnd(b, FramingViolation.INVALID_TARGET, 1, requestStart + maxRequestLine);
                    } else if (methodLength != OPTIONS_EXACT.length || optionsMatch != OPTIONS_EXACT.length) {
                        fail(FramingViolation.ASTERISK_WITHOUT_OPTIONS);
                    } else {
                        endTarget();
                        i++;
                    }
                    break;
                }
                case SKIP_WORD: {
                    int b = buf.get(i) & 0xFF;
                    if (b == CR || b == LF || b == 0 || base + i >= skipLimit) {
                        fail(pending);
                    } else if (b != SP) {
                        i++;
                    } else if (--skipWords == 0) {
                        fail(pending);
                    } else {
                        skipLimit = requestStart + maxRequestLine; // the target, after the method
                        i++;
                    }
                    break;
                }
                case VERSION: {
                    int b = buf.get(i) & 0xFF;
                    if (versionIndex < 8 && lineTooLong(base + i)) {
                        break;
                    }
                    if (version(b)) {
                        i++;
                    }
                    break;
                }
                case REQUEST_LINE_LF: {
                    int b = buf.get(i) & 0xFF;
                    if (sectionTooLarge(base + i)) {
                        break;
                    }
                    if (b != LF) {
                        fail(b == 0 ? FramingViolation.NUL_BYTE : FramingViolation.BARE_CR);
                        break;
                    }
                    fieldCount = 0;
                    state = FIELD_START;
                    i++;
                    break;
                }
                case FIELD_START: {
                    int b = buf.get(i) & 0xFF;
                    if (sectionTooLarge(base + i)) {
                        break;
                    }
                    if (b == CR) {
                        state = SECTION_LF;
                        i++;
                    } else if ((CLASS[b] & TOKEN) != 0) {
                        if (++fieldCount > maxHeaders) {
                            fail(inTrailers ? FramingViolation.TRAILERS_TOO_LARGE : FramingViolation.TOO_MANY_FIELDS);
                            break;
                        }
                        nameMask = inTrailers ? MARKER_NAME : ALL_NAMES;
                        nameLength = 0;
                        nameUnderscore = false;
                        state = FIELD_NAME;
                    } else if (b == SP || b == HT) {
                        fail(FramingViolation.OBS_FOLD);
                    } else if (b == ':') {
                        fail(FramingViolation.EMPTY_FIELD_NAME);
                    } else {
                        fail(fieldByte(b, FramingViolation.INVALID_FIELD_NAME));
                    }
                    break;
                }
                case FIELD_NAME: {
                    int limit = limitIndex(base, to, sectionLimit());
                    if (nameMask == 0) {
                        while (i < limit && (CLASS[buf.get(i) & 0xFF] & TOKEN) != 0) {
                            i++;
                        }
                    } else {
                        int b;
                        while (i < limit && (CLASS[b = buf.get(i) & 0xFF] & TOKEN) != 0) {
                            matchName(b);
                            i++;
                        }
                    }
                    if (i == to) {
                        break;
                    }
                    if (i == limit) {
                        failSectionTooLarge();
                        break;
                    }
                    int b = buf.get(i) & 0xFF;
                    if (b == ':') {
                        if (startValue()) {
                            state = FIELD_VALUE;
                            i++;
                        }
                    } else if (b == SP || b == HT) {
                        fail(FramingViolation.WHITESPACE_BEFORE_COLON);
                    } else if (b == CR) {
                        fail(FramingViolation.MISSING_COLON);
                    } else {
                        fail(fieldByte(b, FramingViolation.INVALID_FIELD_NAME));
                    }
                    break;
                }
                case FIELD_VALUE: {
                    int limit = limitIndex(base, to, sectionLimit());
                    if (fieldKind == OTHER) {
                        while (i < limit && (CLASS[buf.get(i) & 0xFF] & FIELD_VCHAR) != 0) {
                            i++;
                        }
                    } else {
                        int b;
                        while (i < limit && (CLASS[b = buf.get(i) & 0xFF] & FIELD_VCHAR) != 0) {
                            valueByte(b, base + i);
                            i++;
                        }
                    }
                    if (i == to) {
                        break;
                    }
                    if (i == limit) {
                        failSectionTooLarge();
                        break;
                    }
                    int b = buf.get(i) & 0xFF;
                    if (b == CR) {
                        state = FIELD_LF;
                        i++;
                    } else {
                        fail(fieldByte(b, FramingViolation.INVALID_FIELD_VALUE));
                    }
                    break;
                }
                case FIELD_LF: {
                    int b = buf.get(i) & 0xFF;
                    if (sectionTooLarge(base + i)) {
                        break;
                    }
                    if (b != LF) {
                        fail(b == 0 ? FramingViolation.NUL_BYTE : FramingViolation.BARE_CR);
                        break;
                    }
                    i++;
                    if (endField(buf, base)) {
                        state = FIELD_START;
                    }
                    break;
                }
                case SECTION_LF: {
                    int b = buf.get(i) & 0xFF;
                    if (sectionTooLarge(base + i)) {
                        break;
                    }
                    if (b != LF) {
                        fail(b == 0 ? FramingViolation.NUL_BYTE : FramingViolation.BARE_CR);
                        break;
                    }
                    i++;
                    if (inTrailers) {
                        requestComplete();
                    } else if (hostMatchesTarget(buf, base)) {
                        headComplete(base + i);
                    }
                    break;
                }
                case FIXED_BODY: {
                    long n = Math.min(remaining, (long) (to - i));
                    i += (int) n;
                    remaining -= n;
                    if (remaining == 0) {
                        requestComplete();
                    }
                    break;
                }
                case CHUNK_DATA: {
                    long n = Math.min(remaining, (long) (to - i));
                    i += (int) n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = CHUNK_DATA_CR;
                    }
                    break;
                }
                case CHUNK_DATA_CR:
                case CHUNK_DATA_LF: {
                    int b = buf.get(i) & 0xFF;
                    if (state == CHUNK_DATA_CR && b == CR) {
                        state = CHUNK_DATA_LF;
                    } else if (state == CHUNK_DATA_LF && b == LF) {
                        startChunkLine(base + i + 1);
                    } else {
                        fail(FramingViolation.MISSING_CRLF_AFTER_CHUNK_DATA);
                        break;
                    }
                    i++;
                    break;
                }
                case CHUNK_SIZE_LF: {
                    int b = buf.get(i) & 0xFF;
                    if (b != LF) {
                        fail(FramingViolation.CHUNK_LINE_END);
                        break;
                    }
                    i++;
                    if (chunkSize == 0) {
                        inTrailers = true;
                        trailerStart = base + i;
                        fieldCount = 0;
                        state = FIELD_START;
                    } else {
                        remaining = chunkSize;
                        state = CHUNK_DATA;
                    }
                    break;
                }
                case TUNNEL:
                    i = to;
                    break;
                default: {
                    // CHUNK_SIZE and the chunk extension states
                    int b = buf.get(i) & 0xFF;
                    if (base + i - chunkLineStart >= maxRequestLine) {
                        fail(FramingViolation.CHUNK_LINE_TOO_LONG);
                        break;
                    }
                    if (chunkLineByte(b)) {
                        i++;
                    }
                    break;
                }
            }
        }
        position = base + i;
        return i;
    }

    /**
     * What the offending request said about itself, for the substituted request and the request log:
     * its method and target as received (up to the first space, CR or LF, and cut at
     * {@link #MAX_COPIED_METHOD} and {@link #MAX_COPIED_TARGET} bytes; a word refused for a bad byte is
     * read to its end before the refusal), its Host only when that was complete and valid, its
     * User-Agent when complete.
     *
     * @param indexOfPosition the index in {@code buf} of the stream byte at {@link #position()}; the
     *                        current request's head must still be in {@code buf}
     */
    RequestSummary summary(ByteBuffer buf, int indexOfPosition) {
        int start = (int) (indexOfPosition - (position - requestStart));
        int methodEnd = lineWord(buf, start, indexOfPosition, MAX_COPIED_METHOD);
        String method = text(buf, start, methodEnd);
        String target = null;
        if (methodEnd < indexOfPosition && buf.get(methodEnd) == SP) {
            target = text(buf, methodEnd + 1, lineWord(buf, methodEnd + 1, indexOfPosition, MAX_COPIED_TARGET));
        }
        String host = hostUsable ? text(buf, indexOfPosition, hostStart, hostEnd) : null;
        String userAgent = userAgentUsable ? text(buf, indexOfPosition, userAgentStart, userAgentEnd) : null;
        return new RequestSummary(method, target, host, userAgent, versionRead && !http11);
    }

    /** The index of the first space, CR or LF in {@code buf[from, to)}, at most {@code from + max}. */
    private static int lineWord(ByteBuffer buf, int from, int to, int max) {
        int end = Math.min(to, from + max);
        int i = from;
        while (i < end) {
            byte b = buf.get(i);
            if (b == SP || b == CR || b == LF) {
                break;
            }
            i++;
        }
        return i;
    }

    private String text(ByteBuffer buf, int indexOfPosition, long start, long end) {
        int from = (int) (indexOfPosition - (position - start));
        return text(buf, from, from + (int) (end - start));
    }

    /** {@code buf[from, to)} as ISO-8859-1: one char per byte, as Undertow reads header values. */
    private static String text(ByteBuffer buf, int from, int to) {
        char[] chars = new char[to - from];
        for (int k = 0; k < chars.length; k++) {
            chars[k] = (char) (buf.get(from + k) & 0xFF);
        }
        return new String(chars);
    }

    // ---------------------------------------------------------------- request line

    private void matchMethod(int b) {
        if (connectMatch >= 0) {
            int lower = b >= 'A' && b <= 'Z' ? b + 32 : b;
            connectMatch = connectMatch < CONNECT_LOWER.length && CONNECT_LOWER[connectMatch] == lower
                    ? connectMatch + 1 : -1;
        }
        if (optionsMatch >= 0) {
            optionsMatch = optionsMatch < OPTIONS_EXACT.length && OPTIONS_EXACT[optionsMatch] == b
                    ? optionsMatch + 1 : -1;
        }
        methodLength++;
    }

    /** Matches {@code http://} or {@code https://} (scheme in any case) and one authority byte. */
    private boolean absolutePrefix(int b, long pos) {
        int lower = b | 0x20;
        switch (absoluteIndex) {
            case 1:
            case 2:
                if (lower != 't') {
                    return false;
                }
                absoluteIndex++;
                return true;
            case 3:
                if (lower != 'p') {
                    return false;
                }
                absoluteIndex = 4;
                return true;
            case 4:
                if (lower == 's') {
                    absoluteIndex = 5;
                    return true;
                }
                if (b != ':') {
                    return false;
                }
                absoluteIndex = 6;
                return true;
            case 5:
                if (b != ':') {
                    return false;
                }
                absoluteIndex = 6;
                return true;
            case 6:
            case 7:
                if (b != '/') {
                    return false;
                }
                absoluteIndex++;
                return true;
            default:
                // the first byte of the authority: a host must be there
                authorityLength = 0;
                absoluteForm = true;
                authorityStart = pos;
                if (b == '[') {
                    state = AUTHORITY_IPV6;
                    return true;
                }
                if (b == '%') {
                    percentReturn = AUTHORITY_HOST;
                    state = TARGET_PERCENT_1;
                    return true;
                }
                if ((CLASS[b] & REG_NAME) == 0) {
                    return false;
                }
                state = AUTHORITY_HOST;
                return true;
        }
    }

    /**
     * One byte of an absolute-form target's authority after its first: {@code host [":" port]} where
     * host is a reg-name (with %HH) or an IPv6 literal of hex digits and colons, and port is 1 to 5
     * digits; then {@code /} or {@code ?} start the path or query, or a space ends the target. This is
     * what Undertow's parser can read; userinfo ({@code u@host}) is refused, as RFC 9110 §4.2.4 asks.
     * False when the byte is not allowed there.
     */
    private boolean authority(int b, long pos) {
        switch (state) {
            case AUTHORITY_HOST:
                if ((CLASS[b] & REG_NAME) != 0) {
                    return true;
                }
                if (b == '%') {
                    percentReturn = AUTHORITY_HOST;
                    state = TARGET_PERCENT_1;
                    return true;
                }
                return afterHost(b, pos);
            case AUTHORITY_IPV6:
                if ((CLASS[b] & HEX) != 0 || b == ':') {
                    authorityLength++;
                    return true;
                }
                if (b == ']' && authorityLength >= 2) {
                    state = AUTHORITY_AFTER_IPV6;
                    return true;
                }
                return false;
            case AUTHORITY_AFTER_IPV6:
                return afterHost(b, pos);
            default: // AUTHORITY_PORT
                if ((CLASS[b] & DIGIT) != 0) {
                    return ++authorityLength <= 5;
                }
                return authorityLength > 0 && afterPort(b, pos);
        }
    }

    private boolean afterHost(int b, long pos) {
        if (b == ':') {
            authorityLength = 0;
            state = AUTHORITY_PORT;
            return true;
        }
        return afterPort(b, pos);
    }

    private boolean afterPort(int b, long pos) {
        if (b == '/' || b == '?') {
            authorityEnd = pos;
            state = TARGET;
            return true;
        }
        if (b == SP) {
            authorityEnd = pos;
            endTarget();
            return true;
        }
        return false;
    }

    private void endTarget() {
        versionIndex = 0;
        state = VERSION;
    }

    /** One byte of {@code HTTP/x.y CR}; false when it failed. */
    private boolean version(int b) {
        if (versionIndex < HTTP_SLASH.length) {
            if (b != HTTP_SLASH[versionIndex]) {
                fail(requestLineByte(b, versionIndex == 0 && b == SP
                        ? FramingViolation.MALFORMED_REQUEST_LINE : FramingViolation.MALFORMED_VERSION));
                return false;
            }
        } else if (versionIndex == 5 || versionIndex == 7) {
            if ((CLASS[b] & DIGIT) == 0) {
                fail(requestLineByte(b, FramingViolation.MALFORMED_VERSION));
                return false;
            }
            if (versionIndex == 5) {
                versionMajor = b - '0';
            } else {
                versionMinor = b - '0';
            }
        } else if (versionIndex == 6) {
            if (b != '.') {
                fail(requestLineByte(b, FramingViolation.MALFORMED_VERSION));
                return false;
            }
        } else {
            if (b != CR) {
                fail(requestLineByte(b, FramingViolation.MALFORMED_VERSION));
                return false;
            }
            if (versionMajor != 1 || (versionMinor != 0 && versionMinor != 1)) {
                fail(FramingViolation.UNSUPPORTED_VERSION);
                return false;
            }
            http11 = versionMinor == 1;
            versionRead = true;
            state = REQUEST_LINE_LF;
        }
        versionIndex++;
        return true;
    }

    /**
     * A request-line word (method or target) is refused because of byte {@code b}: a CR, LF or NUL ends
     * the line at once, with its own violation; otherwise the rest of the word is read first (and, for
     * a method too long, the target after it), up to {@code limit}, so the refusal can log them as they
     * were sent, however the bytes were split between reads.
     */
    private void failAtWordEnd(int b, FramingViolation violation, int words, long limit) {
        if (b == CR || b == LF || b == 0) {
            fail(requestLineByte(b, violation));
        } else {
            skipThenFail(violation, words, limit);
        }
    }

    /** Reads {@code words} more words of the request line (up to {@code limit}), then fails with {@code violation}. */
    private void skipThenFail(FramingViolation violation, int words, long limit) {
        pending = violation;
        skipWords = words;
        skipLimit = limit;
        state = SKIP_WORD;
    }

    private boolean lineTooLong(long pos) {
        if (pos - requestStart >= maxRequestLine) {
            fail(FramingViolation.REQUEST_LINE_TOO_LONG);
            return true;
        }
        return false;
    }

    private static FramingViolation requestLineByte(int b, FramingViolation otherwise) {
        if (b == 0) {
            return FramingViolation.NUL_BYTE;
        }
        if (b == LF) {
            return FramingViolation.BARE_LF;
        }
        if (b == CR) {
            return FramingViolation.MALFORMED_REQUEST_LINE;
        }
        return otherwise;
    }

    // ---------------------------------------------------------------- header and trailer fields

    private static FramingViolation fieldByte(int b, FramingViolation otherwise) {
        return b == 0 ? FramingViolation.NUL_BYTE : b == LF ? FramingViolation.BARE_LF : otherwise;
    }

    private long sectionLimit() {
        return (inTrailers ? trailerStart : requestStart) + maxHeaderSize;
    }

    private boolean sectionTooLarge(long pos) {
        if (pos >= sectionLimit()) {
            failSectionTooLarge();
            return true;
        }
        return false;
    }

    private void failSectionTooLarge() {
        fail(inTrailers ? FramingViolation.TRAILERS_TOO_LARGE : FramingViolation.HEAD_TOO_LARGE);
    }

    /** The index of stream position {@code limitPos}, capped at {@code to}. */
    private static int limitIndex(long base, int to, long limitPos) {
        return (int) Math.min(to, limitPos - base);
    }

    private void matchName(int b) {
        int c = b;
        if (c >= 'A' && c <= 'Z') {
            c += 32;
        } else if (c == '_') {
            c = '-';
            nameUnderscore = true;
        }
        int candidates = nameMask;
        while (candidates != 0) {
            int k = Integer.numberOfTrailingZeros(candidates);
            candidates &= candidates - 1;
            byte[] name = KNOWN_NAMES[k];
            if (nameLength >= name.length || name[nameLength] != c) {
                nameMask &= ~(1 << k);
            }
        }
        nameLength++;
    }

    /** At the colon: which field this is, and its value parser reset. False when it failed. */
    private boolean startValue() {
        int kind = OTHER;
        int candidates = nameMask;
        while (candidates != 0) {
            int k = Integer.numberOfTrailingZeros(candidates);
            candidates &= candidates - 1;
            if (KNOWN_NAMES[k].length == nameLength) {
                kind = k + 1;
            }
        }
        if (kind == MARKER) {
            fail(FramingViolation.FORGED_MARKER);
            return false;
        }
        if (nameUnderscore && kind != OTHER) {
            if (kind == CONTENT_LENGTH || kind == TRANSFER_ENCODING) {
                // Content_Length / Transfer_Encoding: CGI-style upstreams read these as the real thing
                fail(FramingViolation.AMBIGUOUS_FIELD_NAME);
                return false;
            }
            kind = OTHER;
        }
        fieldKind = kind;
        fieldValueStart = -1;
        fieldValueEnd = -1;
        switch (kind) {
            case HOST:
                hostState = 0;
                hostPortDigits = 0;
                hostPort = 0;
                hostHasPort = false;
                hostLiteralLength = 0;
                break;
            case CONTENT_LENGTH:
                contentLengthState = 0;
                contentLengthDigits = 0;
                contentLengthValue = 0;
                break;
            case TRANSFER_ENCODING:
                transferEncodingSeen = true;
                transferCodings.startField();
                break;
            case UPGRADE:
                upgradeProtocols.startField();
                break;
            default:
                break;
        }
        return true;
    }

    /** One value byte (already known to be HTAB, SP, VCHAR or obs-text) of an interpreted field. */
    private void valueByte(int b, long pos) {
        boolean ows = b == SP || b == HT;
        if (!ows) {
            if (fieldValueStart < 0) {
                fieldValueStart = pos;
            }
            fieldValueEnd = pos + 1;
        }
        switch (fieldKind) {
            case HOST:
                hostByte(b, ows, pos);
                break;
            case CONTENT_LENGTH:
                contentLengthByte(b, ows);
                break;
            case TRANSFER_ENCODING:
                transferCoding(transferCodings.feed(b));
                break;
            case UPGRADE:
                upgradeProtocol(upgradeProtocols.feed(b));
                break;
            default:
                break;
        }
    }

    /**
     * At the end of a field line; false when the field made the request invalid. {@code buf} holds the
     * field ({@code base} maps stream positions to its indexes): only an IPv6 literal Host is read again.
     */
    private boolean endField(ByteBuffer buf, long base) {
        switch (fieldKind) {
            case HOST: {
                boolean valid = (hostState == 1 || hostState == 3 || hostState == 4 || hostState == 5)
                        && (!hostHasPort || (hostPort >= 1 && hostPort <= 65535))
                        && (hostLiteralLength == 0 || ipv6(text(buf, (int) (hostLiteralStart - base),
                                (int) (hostLiteralEnd - base))));
                if (++hostCount > 1) {
                    fail(FramingViolation.DUPLICATE_HOST);
                    return false;
                }
                if (!valid) {
                    fail(FramingViolation.INVALID_HOST);
                    return false;
                }
                hostStart = fieldValueStart;
                hostEnd = fieldValueEnd;
                hostUsable = hostEnd - hostStart <= MAX_COPIED_VALUE;
                return true;
            }
            case CONTENT_LENGTH:
                if (contentLengthState != 1 && contentLengthState != 2) {
                    fail(FramingViolation.INVALID_CONTENT_LENGTH);
                    return false;
                }
                if (++contentLengthCount > 1) {
                    fail(FramingViolation.DUPLICATE_CONTENT_LENGTH);
                    return false;
                }
                contentLength = contentLengthValue;
                return true;
            case TRANSFER_ENCODING:
                transferCoding(transferCodings.finish());
                if (transferEncodingMalformed) {
                    fail(FramingViolation.MALFORMED_TRANSFER_ENCODING);
                    return false;
                }
                return true;
            case UPGRADE:
                upgradeProtocol(upgradeProtocols.finish());
                return true;
            case USER_AGENT:
                if (++userAgentCount == 1 && fieldValueStart >= 0
                        && fieldValueEnd - fieldValueStart <= MAX_COPIED_VALUE) {
                    userAgentStart = fieldValueStart;
                    userAgentEnd = fieldValueEnd;
                    userAgentUsable = true;
                }
                return true;
            default:
                return true;
        }
    }

    /**
     * {@code host [":" port]}: reg-name (with %HH), IPv4 or {@code [IPv6]}; OWS around it; the port 1 to
     * 65535. Undertow checks every Host again (and answers an empty 400 when it does not like one), so
     * this takes only what it takes: an IPv6 literal is checked once complete ({@link #ipv6}).
     */
    private void hostByte(int b, boolean ows, long pos) {
        switch (hostState) {
            case 0: // before the host
                if (ows) {
                    return;
                }
                hostState = b == '[' ? 2 : b == '%' ? 6 : (CLASS[b] & REG_NAME) != 0 ? 1 : -1;
                hostLiteralStart = pos + 1;
                return;
            case 1: // reg-name or IPv4
                if (ows) {
                    hostState = 5;
                } else if (b == ':') {
                    hostHasPort = true;
                    hostState = 4;
                } else if (b == '%') {
                    hostState = 6;
                } else if ((CLASS[b] & REG_NAME) == 0) {
                    hostState = -1;
                }
                return;
            case 2: // inside [ ]
                if ((CLASS[b] & HEX) != 0 || b == ':' || b == '.') {
                    hostLiteralLength++;
                } else {
                    hostLiteralEnd = pos;
                    hostState = b == ']' && hostLiteralLength >= 2 ? 3 : -1;
                }
                return;
            case 3: // after ]
                hostHasPort = b == ':';
                hostState = ows ? 5 : b == ':' ? 4 : -1;
                return;
            case 4: // port
                if (ows) {
                    hostState = 5;
                } else if ((CLASS[b] & DIGIT) == 0 || ++hostPortDigits > 5) {
                    hostState = -1;
                } else {
                    hostPort = hostPort * 10 + (b - '0');
                }
                return;
            case 5: // trailing OWS
                if (!ows) {
                    hostState = -1;
                }
                return;
            case 6: // %H
            case 7: // %HH
                hostState = (CLASS[b] & HEX) == 0 ? -1 : hostState == 6 ? 7 : 1;
                return;
            default:
                return;
        }
    }

    /**
     * An IPv6 address as RFC 3986's {@code IPv6address} reads it (eight groups of 1 to 4 hex digits, or
     * fewer with one {@code ::}, the last two optionally an IPv4 address: {@code ::ffff:1.2.3.4}), read as
     * the {@code Host} check after the edge reads it ({@link HostCheck}), so that the edge lets through
     * exactly the literals that check takes.
     */
    static boolean ipv6(String literal) {
        return HostCheck.ipv6(literal, 0, literal.length());
    }

    /**
     * An absolute-form target names its host twice: in the target and in {@code Host}. Parsers differ
     * on which one counts (RFC 9112 says the target; Undertow refuses a request whose Host does not
     * appear in it), so when both are present they must be the same, byte for byte. False (refused)
     * otherwise.
     */
    private boolean hostMatchesTarget(ByteBuffer buf, long base) {
        if (!absoluteForm || hostCount == 0) {
            return true;
        }
        long length = authorityEnd - authorityStart;
        boolean same = length == hostEnd - hostStart;
        for (long k = 0; same && k < length; k++) {
            same = buf.get((int) (authorityStart + k - base)) == buf.get((int) (hostStart + k - base));
        }
        if (!same) {
            fail(FramingViolation.HOST_MISMATCH);
        }
        return same;
    }

    /** {@code OWS 1*18DIGIT OWS}. */
    private void contentLengthByte(int b, boolean ows) {
        switch (contentLengthState) {
            case 0:
                if (!ows) {
                    contentLengthState = 1;
                    contentLengthDigit(b);
                }
                return;
            case 1:
                if (ows) {
                    contentLengthState = 2;
                } else {
                    contentLengthDigit(b);
                }
                return;
            case 2:
                if (!ows) {
                    contentLengthState = -1;
                }
                return;
            default:
                return;
        }
    }

    private void contentLengthDigit(int b) {
        if ((CLASS[b] & DIGIT) == 0 || ++contentLengthDigits > 18) {
            contentLengthState = -1;
        } else {
            contentLengthValue = contentLengthValue * 10 + (b - '0');
        }
    }

    private void transferCoding(int element) {
        switch (element) {
            case ListElements.NONE:
                return;
            case ListElements.WORD:
                chunkedCodings++;
                lastCodingChunked = true;
                return;
            case ListElements.TOKEN_ELEMENT:
                otherCodings++;
                lastCodingChunked = false;
                return;
            default: // EMPTY (", ," or an empty field) or a coding with parameters or odd bytes
                transferEncodingMalformed = true;
        }
    }

    private void upgradeProtocol(int element) {
        if (element == ListElements.TOKEN_ELEMENT || element == ListElements.OTHER_ELEMENT) {
            tunnelAfterRequest = true;
        }
    }

    // ---------------------------------------------------------------- end of head, body

    private void headComplete(long bodyStart) {
        headsCompleted++;
        if (http11 && hostCount == 0) {
            fail(FramingViolation.MISSING_HOST);
        } else if (transferEncodingSeen) {
            if (contentLengthCount > 0) {
                fail(FramingViolation.CONTENT_LENGTH_AND_TRANSFER_ENCODING);
            } else if (!http11) {
                fail(FramingViolation.TRANSFER_ENCODING_IN_HTTP10);
            } else if (chunkedCodings != 1 || !lastCodingChunked) {
                fail(FramingViolation.CHUNKED_NOT_FINAL);
            } else if (otherCodings > 0) {
                fail(FramingViolation.UNSUPPORTED_TRANSFER_CODING);
            } else {
                startChunkLine(bodyStart);
            }
        } else if (contentLength > 0) {
            remaining = contentLength;
            state = FIXED_BODY;
        } else {
            requestComplete();
        }
    }

    private void startChunkLine(long pos) {
        chunkDigits = 0;
        chunkSize = 0;
        chunkLineStart = pos;
        state = CHUNK_SIZE;
    }

    /** One byte of a chunk-size line: {@code 1*HEXDIG *( ";" token [ "=" ( token / quoted-string ) ] ) CR}, the size under 2^63. */
    private boolean chunkLineByte(int b) {
        int k = CLASS[b];
        switch (state) {
            case CHUNK_SIZE:
                if ((k & HEX) != 0) {
                    // leading zeros are valid (RFC 9112 7.1) and count for nothing; the line length bounds them
                    if (chunkSize > (Long.MAX_VALUE >>> 4)) {
                        fail(FramingViolation.CHUNK_SIZE_TOO_LONG);
                        return false;
                    }
                    chunkSize = (chunkSize << 4) | Character.digit(b, 16);
                    chunkDigits++;
                    return true;
                }
                if (chunkDigits > 0 && (b == ';' || b == CR)) {
                    state = b == CR ? CHUNK_SIZE_LF : CHUNK_EXT_NAME_START;
                    return true;
                }
                fail(FramingViolation.MALFORMED_CHUNK_SIZE);
                return false;
            case CHUNK_EXT_NAME_START:
                return chunkExtension((k & TOKEN) != 0, CHUNK_EXT_NAME);
            case CHUNK_EXT_NAME:
                if (b == '=') {
                    state = CHUNK_EXT_VALUE_START;
                    return true;
                }
                return afterExtensionPart(b, (k & TOKEN) != 0);
            case CHUNK_EXT_VALUE_START:
                if (b == '"') {
                    state = CHUNK_EXT_QUOTED;
                    return true;
                }
                return chunkExtension((k & TOKEN) != 0, CHUNK_EXT_TOKEN);
            case CHUNK_EXT_TOKEN:
                return afterExtensionPart(b, (k & TOKEN) != 0);
            case CHUNK_EXT_QUOTED:
                if (b == '"') {
                    state = CHUNK_EXT_AFTER_QUOTED;
                    return true;
                }
                if (b == '\\') {
                    state = CHUNK_EXT_QUOTED_PAIR;
                    return true;
                }
                return chunkExtension((k & QDTEXT) != 0, CHUNK_EXT_QUOTED);
            case CHUNK_EXT_QUOTED_PAIR:
                return chunkExtension((k & QUOTED_PAIR) != 0, CHUNK_EXT_QUOTED);
            default: // CHUNK_EXT_AFTER_QUOTED
                return afterExtensionPart(b, false);
        }
    }

    private boolean chunkExtension(boolean ok, int next) {
        if (!ok) {
            fail(FramingViolation.MALFORMED_CHUNK_EXTENSION);
            return false;
        }
        state = next;
        return true;
    }

    /** Inside a token (when {@code sameToken}), or at ";" (next extension) or CR (end of line). */
    private boolean afterExtensionPart(int b, boolean sameToken) {
        if (sameToken) {
            return true;
        }
        if (b == ';') {
            state = CHUNK_EXT_NAME_START;
            return true;
        }
        if (b == CR) {
            state = CHUNK_SIZE_LF;
            return true;
        }
        fail(FramingViolation.MALFORMED_CHUNK_EXTENSION);
        return false;
    }

    private void requestComplete() {
        state = tunnelAfterRequest ? TUNNEL : REQUEST_START;
        resetRequest();
    }

    private void resetRequest() {
        emptyLines = 0;
        http11 = false;
        versionRead = false;
        absoluteForm = false;
        methodLength = 0;
        connectMatch = 0;
        optionsMatch = 0;
        inTrailers = false;
        fieldCount = 0;
        fieldKind = OTHER;
        hostCount = 0;
        hostUsable = false;
        contentLengthCount = 0;
        contentLength = 0;
        transferEncodingSeen = false;
        transferEncodingMalformed = false;
        chunkedCodings = 0;
        otherCodings = 0;
        lastCodingChunked = false;
        tunnelAfterRequest = false;
        userAgentCount = 0;
        userAgentUsable = false;
    }

    private void fail(FramingViolation v) {
        violation = v;
        state = REJECTED;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * The parts of a refused request worth copying into the substituted one, as received (one char per
     * byte); null parts are absent. {@code http10}: the request line said {@code HTTP/1.0}.
     */
    record RequestSummary(String method, String target, String host, String userAgent, boolean http10) {
    }

    /**
     * Reads one comma-separated list field (RFC 9110 section 5.6.1) element by element and says, at
     * each element's end, whether it was empty, the expected word, another token, or something else.
     */
    static final class ListElements {
        static final int NONE = 0;
        static final int EMPTY = 1;
        static final int WORD = 2;
        static final int TOKEN_ELEMENT = 3;
        static final int OTHER_ELEMENT = 4;

        private final byte[] word;
        private int part;          // 0 before the element, 1 inside it, 2 in whitespace after it
        private int length;
        private boolean matches;
        private boolean tokenOnly;

        ListElements(byte[] lowerCaseWord) {
            this.word = lowerCaseWord;
        }

        void startField() {
            startElement();
        }

        /** Feeds one value byte; returns {@link #NONE} or, at a comma, the kind of element it ended. */
        int feed(int b) {
            if (b == ',') {
                int kind = kind();
                startElement();
                return kind;
            }
            if (b == SP || b == HT) {
                if (part == 1) {
                    part = 2;
                }
                return NONE;
            }
            if (part == 2) {
                tokenOnly = false; // "chun ked"
            }
            part = 1;
            if ((CLASS[b] & TOKEN) == 0) {
                tokenOnly = false;
            }
            if (matches) {
                int lower = b >= 'A' && b <= 'Z' ? b + 32 : b;
                matches = length < word.length && word[length] == lower;
            }
            length++;
            return NONE;
        }

        /** At the end of the field: the kind of its last element. */
        int finish() {
            return kind();
        }

        private int kind() {
            if (length == 0) {
                return EMPTY;
            }
            if (!tokenOnly) {
                return OTHER_ELEMENT;
            }
            return matches && length == word.length ? WORD : TOKEN_ELEMENT;
        }

        private void startElement() {
            part = 0;
            length = 0;
            matches = true;
            tokenOnly = true;
        }
    }
}
