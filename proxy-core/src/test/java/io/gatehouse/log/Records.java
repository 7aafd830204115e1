package io.gatehouse.log;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Request-log records for tests. */
final class Records {
    static final LocalDateTime SEED_TIME = LocalDateTime.of(2016, 12, 30, 18, 5, 6);
    static final String FIREFOX = "Mozilla/5.0 (Windows NT 6.1;) Gecko/20100101 Firefox/50.0";

    private Records() {
    }

    /** The values of the example line in the seed's "Request Log Format" section. */
    static RequestLogRecord seedExample() {
        return new RequestLogRecord(SEED_TIME, "127.0.0.1:1778", "localhost:5000", "GET", "/", "HTTP/1.1",
                200, 0, 32970, "GTID-C3-R8", 1000, null, null, FIREFOX, 4, 3);
    }

    /** A plain record whose local transaction id is {@code ltid}. */
    static RequestLogRecord numbered(long ltid) {
        return new RequestLogRecord(SEED_TIME, "10.0.0.7:40000", "example.org:443", "GET", "/item/" + ltid,
                "HTTP/1.1", 200, 0, 512, "GTID-" + ltid, ltid, "alice", "sha256:0123456789ab", "curl/8.0", 1, 0);
    }

    static RequestLogRecord withStrings(String client, String server, String method, String url, String protocol,
                                        String gtid, String user, String token, String userAgent) {
        return new RequestLogRecord(SEED_TIME, client, server, method, url, protocol, 200, 0, 0, gtid, 1, user,
                token, userAgent, 0, 0);
    }

    /** Strings mixing the characters escaping has to get right. */
    static String randomString(Random rnd) {
        int len = rnd.nextInt(12);
        StringBuilder sb = new StringBuilder(len * 2);
        for (int i = 0; i < len; i++) {
            switch (rnd.nextInt(11)) {
                case 0 -> sb.append((char) (0x21 + rnd.nextInt(0x5E))); // printable ASCII
                case 1 -> sb.append(' ');
                case 2 -> sb.append('"');
                case 3 -> sb.append('\\');
                case 4 -> sb.append((char) rnd.nextInt(0x20)); // control, incl. CR, LF, TAB, NUL
                case 5 -> sb.append('\u007F');
                case 6 -> sb.append((char) (0x80 + rnd.nextInt(0x780))); // two-byte UTF-8
                case 7 -> sb.append((char) (0x4E00 + rnd.nextInt(0x500))); // CJK
                case 8 -> sb.appendCodePoint(0x1F600 + rnd.nextInt(0x40)); // surrogate pair
                case 9 -> { // unpaired surrogate (usually), not one that stands for a byte off the wire
                    char c = (char) (0xD800 + rnd.nextInt(0x800));
                    sb.append(c >= 0xDC80 && c <= 0xDCFF ? (char) (c + 0x100) : c);
                }
                default -> sb.append(rnd.nextBoolean() ? "\\x41" : "-"); // looks like an escape / a dash
            }
        }
        return rnd.nextInt(10) == 0 ? null : sb.toString();
    }

    /**
     * What the log holds for {@code v}: {@code -} for none, unpaired surrogates as U+FFFD except those
     * that stand for a byte off the wire (U+DC80..U+DCFF, see {@code WireText}), which are kept.
     */
    static String logged(String v) {
        if (v == null || v.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < v.length() && Character.isLowSurrogate(v.charAt(i + 1))) {
                sb.append(c).append(v.charAt(++i));
            } else {
                boolean wireByte = c >= '\uDC80' && c <= '\uDCFF';
                sb.append(Character.isSurrogate(c) && !wireByte ? '\uFFFD' : c);
            }
        }
        return sb.toString();
    }

    /** The 17 values {@link RequestLogFormatter#parse} should return for {@code r}. */
    static List<String> expectedFields(RequestLogRecord r) {
        LocalDateTime t = r.received();
        List<String> f = new ArrayList<>(17);
        f.add(String.format("%04d.%02d.%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth()));
        f.add(String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond()));
        f.add(logged(r.client()));
        f.add(logged(r.server()));
        f.add(logged(r.method()));
        f.add(logged(r.url()));
        f.add(logged(r.protocol()));
        f.add(Integer.toString(r.status()));
        f.add(Long.toString(r.bytesRecv()));
        f.add(Long.toString(r.bytesSent()));
        f.add(logged(r.gtid()));
        f.add(Long.toString(r.ltid()));
        f.add(logged(r.user()));
        f.add(logged(r.token()));
        f.add(logged(r.userAgent()));
        f.add(r.handlingMs() + "ms");
        f.add(r.sendingMs() + "ms");
        return f;
    }
}
