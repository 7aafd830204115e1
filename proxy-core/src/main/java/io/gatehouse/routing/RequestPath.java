package io.gatehouse.routing;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A request path made safe to route: dot-segments resolved once, at the edge, so that every later
 * stage (route match, static files, the upstream) sees the same path.
 *
 * <p>{@link #parse} applies, in one scan of the path as received (percent-encoded, no query):
 * <ul>
 *   <li>it must start with {@code /};</li>
 *   <li>{@code %} must be followed by two hex digits; a raw control character and an encoded NUL
 *       ({@code %00}, which nginx refuses too) are refused. Other encoded control characters
 *       ({@code %09}, {@code %0A}, {@code %0D}...) are data: they are decoded for matching and forwarded
 *       as received;</li>
 *   <li>dot-segments are removed as RFC 3986 §5.2.4 does, where a dot may be written {@code %2e} or
 *       {@code %2E} ({@code /a/%2e%2e/b} is {@code /b}); a {@code ..} above the root is refused, as
 *       nginx does, rather than clamped.</li>
 * </ul>
 * A refusal is a {@link BadPathException}, answered with 400.
 *
 * <p>The same scan notes which characters a member could read as separators where Gatehouse does not
 * ({@link #otherReadings()}); {@link PathReadings} routes the path under those readings too.
 *
 * @param forwardPath   what goes upstream: the path as received when it had no dot-segments (the same
 *                      String, no copy), otherwise the path with its dot-segments removed and every
 *                      other escape and slash kept as received
 * @param matchPath     what routes and files are matched against: {@code forwardPath} with runs of
 *                      {@code /} merged into one (nginx {@code merge_slashes on}) and percent-decoded
 *                      as UTF-8, except that an encoded slash stays the three characters {@code %2F}
 *                      (it is not a separator). Bytes that are not valid UTF-8 become U+FFFD, so such a
 *                      path still reaches an upstream but never names a file.
 * @param otherReadings which of {@link #ENCODED_SLASH}, {@link #BACKSLASH} and {@link #PATH_PARAMETERS}
 *                      occur in the path: 0 for almost every path
 */
public record RequestPath(String forwardPath, String matchPath, int otherReadings) {
    /** {@code %2F}: a slash that some members decode into a separator (Gatehouse keeps it data). */
    public static final int ENCODED_SLASH = 1;
    /** {@code \\} or {@code %5C}: a separator to Windows-minded members (IIS, some frameworks). */
    public static final int BACKSLASH = 2;
    /** {@code ;}: starts path parameters that Tomcat, Jetty and Spring cut from each segment. */
    public static final int PATH_PARAMETERS = 4;

    public RequestPath {
        Objects.requireNonNull(forwardPath, "forwardPath");
        Objects.requireNonNull(matchPath, "matchPath");
    }

    /** A path every member reads the same way. */
    public RequestPath(String forwardPath, String matchPath) {
        this(forwardPath, matchPath, 0);
    }

    /**
     * Checks and normalises a raw request path.
     *
     * @throws BadPathException when the path is refused (answer 400)
     */
    public static RequestPath parse(String rawPath) throws BadPathException {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw new BadPathException("request path must start with /");
        }
        int length = rawPath.length();
        boolean escaped = false;
        boolean repeatedSlash = false;
        boolean dotSegment = false;
        int readings = 0;
        int segments = 1;
        int segmentStart = 1;
        for (int i = 1; i <= length; i++) {
            char c = i == length ? '/' : rawPath.charAt(i);
            if (c == '/') {
                if (i < length) {
                    segments++;
                    repeatedSlash |= rawPath.charAt(i - 1) == '/';
                }
                dotSegment |= dots(rawPath, segmentStart, i) > 0;
                segmentStart = i + 1;
            } else if (c == '%') {
                int value = escapedByte(rawPath, i);
                if (value < 0) {
                    throw new BadPathException("malformed percent escape at offset " + i + " of the request path");
                }
                if (value == 0) {
                    throw new BadPathException("request path contains an encoded NUL (%00)");
                }
                if (value == '/') {
                    readings |= ENCODED_SLASH;
                } else if (value == '\\') {
                    readings |= BACKSLASH;
                }
                escaped = true;
                i += 2;
            } else if (c == ';') {
                readings |= PATH_PARAMETERS;
            } else if (c == '\\') {
                readings |= BACKSLASH;
            } else if (Character.isISOControl(c)) {
                throw new BadPathException("request path contains a control character");
            }
        }
        if (!escaped && !repeatedSlash && !dotSegment) {
            return new RequestPath(rawPath, rawPath, readings);
        }
        int[] bounds = splitSegments(rawPath, segments);
        int count = segments;
        String forward = rawPath;
        if (dotSegment) {
            count = removeDotSegments(rawPath, bounds, segments);
            forward = join(rawPath, bounds, count);
        }
        String match = (escaped || repeatedSlash) ? decodeMerged(rawPath, bounds, count) : mergeOnly(forward);
        return new RequestPath(forward, match, readings);
    }

    /**
     * Start and end offsets of each segment after the leading {@code /}: {@code /a//b/} gives
     * {@code a}, {@code ""}, {@code b}, {@code ""}.
     */
    private static int[] splitSegments(String raw, int segments) {
        int[] bounds = new int[segments * 2];
        int start = 1;
        int n = 0;
        for (int i = 1; i <= raw.length(); i++) {
            if (i == raw.length() || raw.charAt(i) == '/') {
                bounds[n++] = start;
                bounds[n++] = i;
                start = i + 1;
            }
        }
        return bounds;
    }

    /**
     * Rewrites {@code bounds} in place to the segments left after RFC 3986 §5.2.4 and returns how many
     * there are. A path ending in a dot-segment keeps a trailing slash (an empty last segment).
     */
    private static int removeDotSegments(String raw, int[] bounds, int segments) throws BadPathException {
        int kept = 0;
        for (int s = 0; s < segments; s++) {
            int start = bounds[2 * s];
            int end = bounds[2 * s + 1];
            int dots = dots(raw, start, end);
            boolean last = s == segments - 1;
            if (dots == 2) {
                if (kept == 0) {
                    throw new BadPathException("request path climbs above the root with ..");
                }
                kept--;
            }
            if (dots > 0) {
                if (last) {
                    bounds[2 * kept] = end; // the empty segment that keeps the trailing slash
                    bounds[2 * kept + 1] = end;
                    kept++;
                }
                continue;
            }
            bounds[2 * kept] = start;
            bounds[2 * kept + 1] = end;
            kept++;
        }
        return kept;
    }

    private static String join(String raw, int[] bounds, int count) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int s = 0; s < count; s++) {
            out.append('/').append(raw, bounds[2 * s], bounds[2 * s + 1]);
        }
        return out.length() == 0 ? "/" : out.toString();
    }

    /** {@code forward} (already escape-free) with runs of slashes merged. */
    private static String mergeOnly(String forward) {
        if (!forward.contains("//")) {
            return forward;
        }
        StringBuilder out = new StringBuilder(forward.length());
        for (int i = 0; i < forward.length(); i++) {
            char c = forward.charAt(i);
            if (c != '/' || out.length() == 0 || out.charAt(out.length() - 1) != '/') {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Joins the non-empty segments decoded, keeping one trailing slash if the path had one. */
    private static String decodeMerged(String raw, int[] bounds, int count) {
        StringBuilder out = new StringBuilder(raw.length());
        byte[] pending = new byte[raw.length() / 3 + 1];
        for (int s = 0; s < count; s++) {
            int start = bounds[2 * s];
            int end = bounds[2 * s + 1];
            if (start == end) {
                if (s == count - 1) {
                    out.append('/');
                }
                continue;
            }
            out.append('/');
            decodeSegment(raw, start, end, out, pending);
        }
        return out.length() == 0 ? "/" : out.toString();
    }

    private static void decodeSegment(String raw, int start, int end, StringBuilder out, byte[] pending) {
        int i = start;
        while (i < end) {
            char c = raw.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            int n = 0;
            while (i < end && raw.charAt(i) == '%') {
                int value = escapedByte(raw, i);
                if (value == '/') {
                    break;
                }
                pending[n++] = (byte) value;
                i += 3;
            }
            if (n > 0) {
                out.append(new String(pending, 0, n, StandardCharsets.UTF_8));
            }
            if (i < end && raw.charAt(i) == '%') {
                out.append("%2F"); // an encoded slash is data, not a separator
                i += 3;
            }
        }
    }

    /** 1 for {@code .}, 2 for {@code ..} (each dot possibly written {@code %2e}), else 0. */
    private static int dots(String raw, int start, int end) {
        int dots = 0;
        int i = start;
        while (i < end) {
            if (raw.charAt(i) == '.') {
                i++;
            } else if (raw.charAt(i) == '%' && i + 2 < end && raw.charAt(i + 1) == '2'
                    && (raw.charAt(i + 2) == 'e' || raw.charAt(i + 2) == 'E')) {
                i += 3;
            } else {
                return 0;
            }
            if (++dots > 2) {
                return 0;
            }
        }
        return dots;
    }

    /** The byte of the escape at {@code raw[i]} ({@code %XX}), or -1 when it is malformed. */
    private static int escapedByte(String raw, int i) {
        if (i + 2 >= raw.length()) {
            return -1;
        }
        int high = hex(raw.charAt(i + 1));
        int low = hex(raw.charAt(i + 2));
        if (high < 0 || low < 0) {
            return -1;
        }
        return high << 4 | low;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
