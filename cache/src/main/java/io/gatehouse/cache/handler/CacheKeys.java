package io.gatehouse.cache.handler;

import io.gatehouse.config.model.CacheKeySpec;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import java.util.List;
import java.util.Locale;

/**
 * A cluster's {@code cache_key} applied to a request: the stored entry's primary key. Whatever the
 * order the parts were written in, the key reads as a URL ({@code http://example.com/a?b}, without
 * the parts left out), then one {@code \u0000name:value} per {@code header:NAME} part; a response that
 * varies (RFC 9111 §4.1) is stored under its primary key plus {@link #VARIANT} and the secondary key.
 * So "every entry of this URL" is the key itself and the keys that start with it plus one of those two
 * separators, which is how invalidation and purges find them.
 */
final class CacheKeys {
    /** Before each {@code header:NAME} part. */
    static final char HEADER = '\u0000';
    /** Before the secondary key of a response that varies. */
    static final char VARIANT = '\u0001';

    private final boolean scheme;
    private final boolean host;
    private final boolean query;
    private final List<String> headers;

    CacheKeys(CacheKeySpec spec) {
        this.scheme = spec.has(CacheKeySpec.Kind.SCHEME);
        this.host = spec.has(CacheKeySpec.Kind.HOST);
        this.query = spec.has(CacheKeySpec.Kind.QUERY);
        this.headers = spec.headers();
    }

    /** The request's primary key. */
    String primary(HttpServerExchange exchange) {
        StringBuilder key = url(exchange.getRequestScheme(), exchange.getHostName(), exchange.getRequestURI(),
                exchange.getQueryString());
        for (String name : headers) {
            HeaderValues values = exchange.getRequestHeaders().get(name);
            key.append(HEADER).append(name.toLowerCase(Locale.ROOT)).append(':');
            if (values != null) {
                for (int i = 0; i < values.size(); i++) {
                    key.append(i == 0 ? "" : ", ").append(values.get(i));
                }
            }
        }
        return key.toString();
    }

    /**
     * The key prefix of every entry for this URL under this cluster's key (the query dropped when the
     * key leaves it out): what an unsafe request to the URL invalidates.
     */
    String urlPart(String scheme, String host, String path, String query) {
        return url(scheme, host, path, query).toString();
    }

    private StringBuilder url(String s, String h, String path, String q) {
        StringBuilder key = new StringBuilder(96);
        if (scheme) {
            key.append(s).append(':');
        }
        if (host) {
            key.append("//").append(h == null ? "" : h.toLowerCase(Locale.ROOT));
        }
        key.append(path);
        if (query && q != null && !q.isEmpty()) {
            key.append('?').append(q);
        }
        return key;
    }

    /** True when the key has {@code header:NAME} parts: a URL's entries are then found only by a prefix scan. */
    boolean hasHeaderParts() {
        return !headers.isEmpty();
    }

    /** The primary key of a variant's key (see {@link #variant}), or {@code key} itself when it is not a variant's. */
    static String primaryOf(String key) {
        int v = key.indexOf(VARIANT);
        return v < 0 ? key : key.substring(0, v);
    }

    /** The secondary key in a variant's key (see {@link #variant}), or null when {@code key} is not a variant's. */
    static String secondaryOf(String key) {
        int v = key.indexOf(VARIANT);
        int s = v < 0 ? -1 : key.indexOf(VARIANT, v + 1);
        return s < 0 ? null : key.substring(s + 1);
    }

    /** The key a variant of the entry at {@code primary} is stored under, behind the marker stamped {@code stamp}. */
    static String variant(String primary, long stamp, String secondary) {
        return primary + VARIANT + Long.toHexString(stamp) + VARIANT + secondary;
    }
}
