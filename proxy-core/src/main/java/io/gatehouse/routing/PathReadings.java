package io.gatehouse.routing;

/**
 * Refuses a path that a member could read as another route than the one Gatehouse chose: the edge's
 * own rule (refuse what two parsers could read two ways) applied to paths.
 *
 * <p>Gatehouse routes on the path as RFC 3986 reads it: only {@code /} separates segments,
 * {@code %2F} is data, {@code ;} is part of its segment. Members differ: many decode {@code %2F} into a
 * separator, Windows-minded ones also split on {@code \} and {@code %5C}, and Tomcat, Jetty and Spring
 * cut {@code ;...} path parameters from each segment ({@code /x/..;/secret} is {@code /secret} to
 * Tomcat). With {@code /secret = return 403}, each of those would let {@code /secret%2Ffile},
 * {@code /x/..%2Fsecret/file} or {@code /x/..;/secret/file} through the {@code /} route to a member that
 * serves the secret.
 *
 * <p>{@link #conflict} routes the forwarded path (what the member will see) under each such reading,
 * alone and together: {@code %2F} as {@code /}; {@code \} and {@code %5C} as {@code /}; path
 * parameters cut before or after those separators split the path; dot-segments resolved after each.
 * When every reading lands on the route Gatehouse chose, the path is forwarded unchanged; when one
 * lands elsewhere (another route, or none) or climbs above {@code /}, the request is refused with 400.
 * Only paths that contain one of these characters ({@link RequestPath#otherReadings()} not 0) are read
 * again, so the usual path costs nothing here. Pure and thread-safe.
 */
public final class PathReadings {
    /** Path parameters are data. */
    private static final int PARAMETERS_KEPT = 0;
    /** Cut from each segment of the path as received, before other separators split it (Tomcat). */
    private static final int PARAMETERS_CUT_FIRST = 1;
    /** Cut from each segment after the other separators split the path. */
    private static final int PARAMETERS_CUT_LAST = 2;

    private PathReadings() {
    }

    /**
     * Why {@code path} must be refused, or {@code null} when every reading routes it to {@code chosen}.
     *
     * @param path   the parsed request path
     * @param routes the host's route table
     * @param chosen {@code routes.match(path.matchPath())}, not null
     */
    public static <T> String conflict(RequestPath path, RouteTable<T> routes, RouteTable.Match<T> chosen) {
        int kinds = path.otherReadings();
        if (kinds == 0) {
            return null;
        }
        String forward = path.forwardPath();
        int slashes = (kinds & RequestPath.ENCODED_SLASH) != 0 ? 1 : 0;
        int backslashes = (kinds & RequestPath.BACKSLASH) != 0 ? 1 : 0;
        int parameters = (kinds & RequestPath.PATH_PARAMETERS) != 0 ? PARAMETERS_CUT_LAST : PARAMETERS_KEPT;
        for (int s = 0; s <= slashes; s++) {
            for (int b = 0; b <= backslashes; b++) {
                for (int p = PARAMETERS_KEPT; p <= parameters; p++) {
                    boolean otherSeparators = s == 1 || b == 1;
                    if (!otherSeparators && p != PARAMETERS_CUT_FIRST) {
                        continue; // Gatehouse's own reading; or cutting last, which is the same as first here
                    }
                    String reading;
                    try {
                        reading = read(forward, s == 1, b == 1, p);
                    } catch (BadPathException e) {
                        return "the request path climbs above / where a member reads " + describe(s, b, p);
                    }
                    if (routes.match(reading) != chosen) {
                        return "the request path reads as another route where a member reads " + describe(s, b, p);
                    }
                }
            }
        }
        return null;
    }

    /**
     * The match path a member would route {@code forwardPath} by: the alternative separators made
     * {@code /}, path parameters cut as {@code parameters} says, then dot-segments, escapes and slashes
     * as {@link RequestPath#parse} reads them.
     *
     * @throws BadPathException when that reading climbs above the root
     */
    static String read(String forwardPath, boolean encodedSlash, boolean backslash, int parameters)
            throws BadPathException {
        int n = forwardPath.length();
        StringBuilder out = new StringBuilder(n);
        boolean inParameters = false;
        for (int i = 0; i < n; i++) {
            char c = forwardPath.charAt(i);
            int width = 1;
            boolean separator = c == '/';
            boolean other = false;
            if (c == '%' && i + 2 < n) { // escapes in a parsed path are well-formed
                width = 3;
                int value = Character.digit(forwardPath.charAt(i + 1), 16) << 4
                        | Character.digit(forwardPath.charAt(i + 2), 16);
                other = (value == '/' && encodedSlash) || (value == '\\' && backslash);
            } else if (c == '\\') {
                other = backslash;
            }
            if (separator || (other && parameters != PARAMETERS_CUT_FIRST)) {
                inParameters = false;
            }
            if (separator || other) {
                if (!inParameters) {
                    out.append('/');
                }
            } else if (c == ';' && parameters != PARAMETERS_KEPT) {
                inParameters = true;
            } else if (!inParameters) {
                out.append(forwardPath, i, i + width);
            }
            i += width - 1;
        }
        return RequestPath.parse(out.toString()).matchPath();
    }

    private static String describe(int encodedSlash, int backslash, int parameters) {
        StringBuilder s = new StringBuilder();
        if (encodedSlash == 1) {
            s.append("%2F as /");
        }
        if (backslash == 1) {
            s.append(s.length() > 0 ? " and " : "").append("\\ or %5C as /");
        }
        if (parameters != PARAMETERS_KEPT) {
            s.append(s.length() > 0 ? " and " : "").append("; as the start of path parameters");
        }
        return s.toString();
    }
}
