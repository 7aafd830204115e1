package io.gatehouse.upstream.balance;

import io.gatehouse.config.model.HashKey;
import io.gatehouse.handler.ClientAddress;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hashes the parts of a client request that {@code hash_key} can name, for {@link RequestKey#hash}, by
 * reading them where Undertow keeps them: no string is built, and nothing is allocated but the peer
 * address XNIO hands out each time it is asked (40 bytes, for {@code client} only).
 * <ul>
 * <li>{@code client}: the client's whole address, without the port, as {@link ClientAddress} has it (the
 *     exchange's source address: the socket peer, or what a handler that trusts {@code X-Forwarded-For}
 *     from a proxy put there; its text is worked out once per connection).</li>
 * <li>{@code path}: the path of the request target as received (not decoded), without the query, and
 *     without the scheme and host of an absolute-form target.</li>
 * <li>{@code uri}: the same path, then {@code ?} and the query as received when there is one (nginx's
 *     {@code $request_uri}).</li>
 * <li>{@code header:NAME}: the first value of that header, as received.</li>
 * <li>{@code cookie:NAME}: the value of the first cookie of that name (case-sensitive, as cookie names
 *     are), in the {@code Cookie} header or headers, without the spaces around it; quotes are kept.</li>
 * </ul>
 * A missing header or cookie, and an empty value, are no key ({@link RequestKey#NO_KEY}): the picker
 * then goes round robin, as nginx does for an empty hash key and HAProxy for a missing header.
 */
public final class RequestHashes {
    /**
     * Header names as Undertow looks them up without allocating ({@code getFirst(String)} copies the
     * name into a new byte array each time): one per {@code header:NAME} ever configured.
     */
    private static final ConcurrentHashMap<String, HttpString> HEADER_NAMES = new ConcurrentHashMap<>();

    private RequestHashes() {
    }

    /** The hash of {@code exchange}'s part named by {@code key}, or {@link RequestKey#NO_KEY}. */
    public static long of(HttpServerExchange exchange, HashKey key) {
        switch (key.kind()) {
            case CLIENT:
                return client(exchange);
            case PATH:
            case URI: {
                String uri = exchange.getRequestURI();
                int start = pathStart(exchange, uri);
                int end = uri.indexOf('?', start);
                end = end < 0 ? uri.length() : end;
                long h = start < end ? Hashing.add(Hashing.START, uri, start, end) : Hashing.add(Hashing.START, '/');
                if (key.kind() == HashKey.Kind.URI) {
                    String query = exchange.getQueryString();
                    if (query != null && !query.isEmpty()) {
                        h = Hashing.add(Hashing.add(h, '?'), query, 0, query.length());
                    }
                }
                return Hashing.finish(h);
            }
            case HEADER: {
                String value = exchange.getRequestHeaders().getFirst(headerName(key.name()));
                return value == null || value.isEmpty() ? RequestKey.NO_KEY : Hashing.of(value);
            }
            case COOKIE:
                return cookie(exchange.getRequestHeaders().get(Headers.COOKIE), key.name());
            default:
                return RequestKey.NO_KEY;
        }
    }

    private static HttpString headerName(String name) {
        HttpString known = HEADER_NAMES.get(name);
        if (known == null) {
            known = new HttpString(name);
            HEADER_NAMES.putIfAbsent(name, known);
        }
        return known;
    }

    private static long client(HttpServerExchange exchange) {
        String ip = ClientAddress.ip(exchange);
        return ip == null || ip.isEmpty() ? RequestKey.NO_KEY : Hashing.of(ip);
    }

    /** Where the path starts in Undertow's request URI: after the scheme and host of an absolute-form target. */
    private static int pathStart(HttpServerExchange exchange, String uri) {
        if (!exchange.isHostIncludedInRequestURI()) {
            return 0;
        }
        int authority = uri.indexOf("://");
        int path = authority < 0 ? -1 : uri.indexOf('/', authority + 3);
        return path < 0 ? uri.length() : path;
    }

    /** The hash of the first cookie named {@code name} in the {@code Cookie} fields, or {@link RequestKey#NO_KEY}. */
    static long cookie(HeaderValues fields, String name) {
        if (fields == null) {
            return RequestKey.NO_KEY;
        }
        for (int f = 0; f < fields.size(); f++) {
            String line = fields.get(f);
            int n = line.length();
            int i = 0;
            while (i < n) {
                while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t' || line.charAt(i) == ';')) {
                    i++;
                }
                int nameStart = i;
                while (i < n && line.charAt(i) != '=' && line.charAt(i) != ';') {
                    i++;
                }
                int nameEnd = i;
                while (nameEnd > nameStart && (line.charAt(nameEnd - 1) == ' ' || line.charAt(nameEnd - 1) == '\t')) {
                    nameEnd--;
                }
                boolean hasValue = i < n && line.charAt(i) == '=';
                int valueStart = hasValue ? i + 1 : i;
                int valueEnd = valueStart;
                while (valueEnd < n && line.charAt(valueEnd) != ';') {
                    valueEnd++;
                }
                i = valueEnd;
                if (hasValue && nameEnd - nameStart == name.length() && line.startsWith(name, nameStart)) {
                    while (valueStart < valueEnd && (line.charAt(valueStart) == ' ' || line.charAt(valueStart) == '\t')) {
                        valueStart++;
                    }
                    while (valueEnd > valueStart && (line.charAt(valueEnd - 1) == ' ' || line.charAt(valueEnd - 1) == '\t')) {
                        valueEnd--;
                    }
                    return valueStart == valueEnd ? RequestKey.NO_KEY
                            : Hashing.finish(Hashing.add(Hashing.START, line, valueStart, valueEnd));
                }
            }
        }
        return RequestKey.NO_KEY;
    }
}
