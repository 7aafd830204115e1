package io.gatehouse.cache.policy;

import java.util.Locale;

/**
 * A request's target as the cache names it (RFC 9110 §7.1): scheme, host, port and path with query.
 *
 * <p>Scheme and host are lower-cased; a port of -1 becomes the scheme's default (80 for http, 443 for
 * https); an empty path is {@code /}. {@link #toString()} gives the URI, without the default port.
 *
 * @param scheme       {@code http} or {@code https}
 * @param host         the host name, or an IPv6 literal in brackets
 * @param port         the port
 * @param pathAndQuery the path and, after {@code ?}, the query, as sent (not decoded)
 */
public record EffectiveUri(String scheme, String host, int port, String pathAndQuery) {
    public EffectiveUri {
        scheme = scheme.toLowerCase(Locale.ROOT);
        host = host.toLowerCase(Locale.ROOT);
        if (port < 0) {
            port = defaultPort(scheme);
        }
        if (pathAndQuery.isEmpty()) {
            pathAndQuery = "/";
        }
    }

    /**
     * From a scheme, a {@code Host} value ({@code host}, {@code host:port}, {@code [v6]:port}) and the request target.
     *
     * @throws IllegalArgumentException when the port is not a number
     */
    public static EffectiveUri of(String scheme, String authority, String pathAndQuery) {
        int colon = authority.lastIndexOf(':');
        if (colon > authority.lastIndexOf(']')) {
            String port = authority.substring(colon + 1);
            return new EffectiveUri(scheme, authority.substring(0, colon), port.isEmpty() ? -1 : Integer.parseInt(port),
                    pathAndQuery);
        }
        return new EffectiveUri(scheme, authority, -1, pathAndQuery);
    }

    /** The path, without the query. */
    public String path() {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }

    /** The query without {@code ?}, or {@code null} when there is none. */
    public String query() {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? null : pathAndQuery.substring(q + 1);
    }

    /** Same scheme, host and port. */
    public boolean sameOrigin(EffectiveUri other) {
        return scheme.equals(other.scheme) && host.equals(other.host) && port == other.port;
    }

    @Override
    public String toString() {
        String authority = port == defaultPort(scheme) ? host : host + ":" + port;
        return scheme + "://" + authority + pathAndQuery;
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
    }
}
