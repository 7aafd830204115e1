package io.gatehouse.upstream;

import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.Set;

/**
 * Which headers cross the proxy and which are added. Hop-by-hop headers (RFC 9110 §7.6.1, and the
 * ones a {@code Connection} header names) stay on their own hop in both directions; {@code Upgrade}
 * goes upstream only for a real protocol switch and never for {@code h2c}; {@code HTTP2-Settings}
 * never does. Gatehouse adds {@code X-Forwarded-For/-Proto/-Host} and {@code Via} upstream.
 */
public final class ForwardedHeaders {
    static final HttpString HTTP2_SETTINGS = new HttpString("HTTP2-Settings");
    static final HttpString PROXY_CONNECTION = new HttpString("Proxy-Connection");
    static final HttpString X_REQUEST_ID = new HttpString("X-Request-ID");
    static final String VIA_NAME = "gatehouse";
    private static final String VIA_11 = "1.1 " + VIA_NAME;
    private static final String VIA_10 = "1.0 " + VIA_NAME;

    private static final Set<HttpString> HOP_BY_HOP = Set.of(Headers.CONNECTION, Headers.KEEP_ALIVE,
            PROXY_CONNECTION, Headers.TE, Headers.TRAILER, Headers.TRANSFER_ENCODING, Headers.UPGRADE,
            Headers.PROXY_AUTHORIZATION, Headers.PROXY_AUTHENTICATE, HTTP2_SETTINGS);

    private ForwardedHeaders() {
    }

    /** True when the request asks to switch to a protocol Gatehouse relays (WebSocket and the like, never h2c). */
    public static boolean isRelayableUpgrade(HeaderMap requestHeaders) {
        String upgrade = requestHeaders.getFirst(Headers.UPGRADE);
        if (upgrade == null || upgrade.isBlank()) {
            return false;
        }
        for (String token : upgrade.split(",")) {
            if (!token.trim().equalsIgnoreCase("h2c") && !token.isBlank()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Copies the end-to-end request headers into {@code to}, then adds the forwarding headers.
     *
     * @param clientIp   the socket peer's address (no port, no brackets)
     * @param scheme     {@code http} or {@code https} as the client spoke it
     * @param protocol   the client's protocol version for {@code Via}, e.g. {@code 1.1}
     * @param upgrade    keep {@code Upgrade}/{@code Connection: upgrade} (a relayable upgrade)
     * @param requestId  the global transaction id, sent as {@code X-Request-ID}
     */
    static void copyRequest(HeaderMap from, HeaderMap to, String clientIp, String scheme, String protocol,
                            boolean upgrade, String requestId) {
        copyEndToEnd(from, to);
        if (upgrade) {
            to.put(Headers.UPGRADE, from.getFirst(Headers.UPGRADE));
            to.put(Headers.CONNECTION, Headers.UPGRADE_STRING);
        }
        String xff = from.get(Headers.X_FORWARDED_FOR) == null ? null : joined(from.get(Headers.X_FORWARDED_FOR));
        to.put(Headers.X_FORWARDED_FOR, xff == null || xff.isBlank() ? clientIp : xff + ", " + clientIp);
        to.put(Headers.X_FORWARDED_PROTO, scheme);
        String host = from.getFirst(Headers.HOST);
        if (host != null) {
            to.put(Headers.X_FORWARDED_HOST, host);
        }
        appendVia(from, to, protocol);
        to.put(X_REQUEST_ID, requestId);
    }

    /** Copies the end-to-end response headers and adds {@code Via}. Keeps {@code Upgrade} on a 101. */
    static void copyResponse(HeaderMap from, HeaderMap to, String protocol, boolean switching) {
        copyEndToEnd(from, to);
        if (switching) {
            String upgrade = from.getFirst(Headers.UPGRADE);
            if (upgrade != null) {
                to.put(Headers.UPGRADE, upgrade);
                to.put(Headers.CONNECTION, Headers.UPGRADE_STRING);
            }
        }
        appendVia(from, to, protocol);
    }

    private static void copyEndToEnd(HeaderMap from, HeaderMap to) {
        HeaderValues connection = from.get(Headers.CONNECTION);
        long cookie = from.fastIterateNonEmpty();
        while (cookie != -1L) {
            HeaderValues values = from.fiCurrent(cookie);
            HttpString name = values.getHeaderName();
            // Headers already set on this side (the request id) win over the other side's copy.
            if (!HOP_BY_HOP.contains(name) && !namedIn(connection, name) && !to.contains(name)
                    && !name.equals(Headers.X_FORWARDED_FOR) && !name.equals(Headers.VIA)) {
                to.putAll(name, values);
            }
            cookie = from.fiNextNonEmpty(cookie);
        }
    }

    /** True when the Connection header lists {@code name} as a hop-by-hop option. */
    private static boolean namedIn(HeaderValues connection, HttpString name) {
        if (connection == null) {
            return false;
        }
        for (int i = 0; i < connection.size(); i++) {
            String value = connection.get(i);
            int start = 0;
            int len = value.length();
            while (start < len) {
                int comma = value.indexOf(',', start);
                int end = comma < 0 ? len : comma;
                String token = value.substring(start, end).trim();
                if (!token.isEmpty() && name.equalToString(token)) {
                    return true;
                }
                start = end + 1;
            }
        }
        return false;
    }

    private static void appendVia(HeaderMap from, HeaderMap to, String protocol) {
        HeaderValues via = from.get(Headers.VIA);
        String mine = "1.1".equals(protocol) ? VIA_11 : "1.0".equals(protocol) ? VIA_10 : protocol + " " + VIA_NAME;
        to.put(Headers.VIA, via == null ? mine : joined(via) + ", " + mine);
    }

    private static String joined(HeaderValues values) {
        if (values.size() == 1) {
            return values.getFirst();
        }
        return String.join(", ", values);
    }
}
