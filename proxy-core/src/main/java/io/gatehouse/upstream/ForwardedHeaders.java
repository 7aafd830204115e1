package io.gatehouse.upstream;

import io.gatehouse.handler.AuthenticatedUser;
import io.gatehouse.handler.RequestIdHandler;
import io.gatehouse.upstream.http1.HeaderSink;
import io.gatehouse.upstream.http1.ResponseHead;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.Set;

/**
 * Which headers cross the proxy and which are added. Hop-by-hop headers (RFC 9110 §7.6.1, and the
 * ones a {@code Connection} header names) stay on their own hop in both directions; {@code Upgrade}
 * goes upstream only for a real protocol switch, and without {@code h2c} however the client lists it;
 * {@code HTTP2-Settings} never does. Gatehouse adds {@code X-Forwarded-For/-Proto/-Host} and {@code Via} upstream.
 * The site's identity fields ({@link IdentityHeaders}) are never copied from the client; Gatehouse writes
 * them itself for a request whose token it verified.
 */
public final class ForwardedHeaders {
    static final HttpString HTTP2_SETTINGS = new HttpString("HTTP2-Settings");
    static final HttpString PROXY_CONNECTION = new HttpString("Proxy-Connection");
    static final String VIA_NAME = "gatehouse";
    private static final String VIA_11 = "1.1 " + VIA_NAME;
    private static final String VIA_10 = "1.0 " + VIA_NAME;

    /** Request headers Gatehouse writes itself, after the client's: never copied as they came. */
    private static final Set<HttpString> REPLACED_UPSTREAM = Set.of(Headers.X_FORWARDED_FOR,
            Headers.X_FORWARDED_PROTO, Headers.X_FORWARDED_HOST, Headers.VIA, RequestIdHandler.X_REQUEST_ID, Headers.EXPECT);

    private static final Set<HttpString> HOP_BY_HOP = Set.of(Headers.CONNECTION, Headers.KEEP_ALIVE,
            PROXY_CONNECTION, Headers.TE, Headers.TRAILER, Headers.TRANSFER_ENCODING, Headers.UPGRADE,
            Headers.PROXY_AUTHORIZATION, Headers.PROXY_AUTHENTICATE, HTTP2_SETTINGS);

    private ForwardedHeaders() {
    }

    /**
     * The protocols of the request's {@code Upgrade} that Gatehouse relays (WebSocket and the like), as
     * the value to send the member: {@code h2c} is never among them (an HTTP/2 switch through a proxy is a
     * known way past its checks). Null when nothing relayable is asked for.
     */
    public static String relayableUpgrade(HeaderMap requestHeaders) {
        HeaderValues upgrade = requestHeaders.get(Headers.UPGRADE);
        if (upgrade == null || !connectionHas(requestHeaders.get(Headers.CONNECTION), Headers.UPGRADE)) {
            return null; // RFC 9110 7.8: an Upgrade without the upgrade connection option is not a request to switch
        }
        StringBuilder offer = null;
        for (String value : upgrade) {
            for (String token : value.split(",")) {
                String protocol = token.trim();
                if (protocol.isEmpty() || protocol.equalsIgnoreCase("h2c")) {
                    continue;
                }
                offer = offer == null ? new StringBuilder(protocol) : offer.append(", ").append(protocol);
            }
        }
        return offer == null ? null : offer.toString();
    }

    /** True when the protocol a member switched to ({@code Upgrade} of its 101) is one of {@code offer}. */
    static boolean isOffered(String chosen, String offer) {
        if (chosen == null) {
            return false;
        }
        String protocol = chosen.trim();
        for (String token : offer.split(",")) {
            if (token.trim().equalsIgnoreCase(protocol)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes the end-to-end request headers to {@code to}, then the forwarding headers. Gatehouse's own
     * {@code X-Forwarded-Proto}, {@code X-Forwarded-Host} and {@code X-Request-ID} replace the client's;
     * {@code X-Forwarded-For} and {@code Via} are extended; {@code Expect} is answered here, never sent on.
     *
     * @param clientIp   the client's address (no port, no brackets): the socket peer, or the client found
     *                   behind trusted proxies
     * @param scheme     {@code http} or {@code https} as the client spoke it
     * @param protocol   the client's protocol version for {@code Via}, e.g. {@code 1.1}
     * @param upgrade    the protocols to offer the member ({@link #relayableUpgrade}), or null for none
     * @param requestId  the global transaction id, sent as {@code X-Request-ID}
     */
    static void writeRequest(HeaderMap from, HeaderSink to, String clientIp, String scheme, String protocol,
                             String upgrade, String requestId) {
        writeRequest(from, to, clientIp, scheme, protocol, upgrade, requestId, IdentityHeaders.DEFAULT, null);
    }

    /**
     * As above, and the identity fields: whatever the client sent under {@code identity}'s names is left
     * out, and {@code user}'s name and roles are written under them when a token was verified.
     *
     * @param identity the site's identity field names
     * @param user     who the auth stage verified, or null (then no identity field is sent)
     */
    static void writeRequest(HeaderMap from, HeaderSink to, String clientIp, String scheme, String protocol,
                             String upgrade, String requestId, IdentityHeaders identity, AuthenticatedUser user) {
        HttpString[] options = connectionOptions(from.get(Headers.CONNECTION));
        long cookie = from.fastIterateNonEmpty();
        while (cookie != -1L) {
            HeaderValues values = from.fiCurrent(cookie);
            HttpString name = values.getHeaderName();
            if (!HOP_BY_HOP.contains(name) && !REPLACED_UPSTREAM.contains(name) && !contains(options, name)
                    && !identity.names(name)) {
                for (int i = 0, n = values.size(); i < n; i++) {
                    to.header(name, values.get(i));
                }
            }
            cookie = from.fiNextNonEmpty(cookie);
        }
        if (upgrade != null) {
            to.header(Headers.UPGRADE, upgrade);
            to.header(Headers.CONNECTION, Headers.UPGRADE_STRING);
        }
        HeaderValues forwardedFor = from.get(Headers.X_FORWARDED_FOR);
        String xff = forwardedFor == null ? null : joined(forwardedFor);
        to.header(Headers.X_FORWARDED_FOR, xff == null || xff.isBlank() ? clientIp : xff + ", " + clientIp);
        to.header(Headers.X_FORWARDED_PROTO, scheme);
        String host = from.getFirst(Headers.HOST);
        if (host != null) {
            to.header(Headers.X_FORWARDED_HOST, host);
        }
        to.header(Headers.VIA, via(from.get(Headers.VIA), protocol));
        to.header(RequestIdHandler.X_REQUEST_ID, requestId);
        if (user != null) {
            identity.write(to, user);
        }
    }

    /**
     * Copies a member's end-to-end response headers into {@code to} and adds {@code Via}. Headers already
     * set on Gatehouse's side (the request id) win over the member's. Keeps {@code Upgrade} on a 101.
     */
    static void copyResponse(ResponseHead from, HeaderMap to, String protocol, boolean switching) {
        HttpString[] preset = presetNames(to);
        String memberVia = null;
        for (int i = 0, n = from.fieldCount(); i < n; i++) {
            HttpString name = from.name(i);
            if (name.equals(Headers.VIA)) {
                memberVia = memberVia == null ? from.value(i) : memberVia + ", " + from.value(i);
            } else if (!HOP_BY_HOP.contains(name) && !from.isConnectionOption(name) && !contains(preset, name)) {
                to.add(name, from.value(i));
            }
        }
        if (switching) {
            String upgrade = from.first(Headers.UPGRADE);
            if (upgrade != null) {
                to.put(Headers.UPGRADE, upgrade);
                to.put(Headers.CONNECTION, Headers.UPGRADE_STRING);
            }
        }
        String mine = mine(protocol);
        to.put(Headers.VIA, memberVia == null ? mine : memberVia + ", " + mine);
    }

    private static final HttpString[] NONE = new HttpString[0];

    private static HttpString[] presetNames(HeaderMap to) {
        int n = to.size();
        if (n == 0) {
            return NONE;
        }
        HttpString[] names = new HttpString[n];
        int i = 0;
        for (long c = to.fastIterateNonEmpty(); c != -1L && i < n; c = to.fiNextNonEmpty(c)) {
            names[i++] = to.fiCurrent(c).getHeaderName();
        }
        return names;
    }

    private static boolean contains(HttpString[] names, HttpString name) {
        for (HttpString n : names) {
            if (n != null && n.equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The header names a {@code Connection} header lists as options of this hop, worked out once per
     * request ({@code close} and {@code keep-alive} name no header and are left out).
     */
    private static HttpString[] connectionOptions(HeaderValues connection) {
        if (connection == null) {
            return NONE;
        }
        HttpString[] found = NONE;
        int count = 0;
        for (int i = 0; i < connection.size(); i++) {
            String value = connection.get(i);
            int start = 0;
            int len = value.length();
            while (start < len) {
                int comma = value.indexOf(',', start);
                int end = comma < 0 ? len : comma;
                String token = value.substring(start, end).trim();
                if (!token.isEmpty() && !token.equalsIgnoreCase("close") && !token.equalsIgnoreCase("keep-alive")) {
                    if (count == found.length) {
                        found = java.util.Arrays.copyOf(found, Math.max(4, count * 2));
                    }
                    found[count++] = new HttpString(token);
                }
                start = end + 1;
            }
        }
        return count == found.length ? found : java.util.Arrays.copyOf(found, count);
    }

    /** True when the Connection header lists {@code option}. */
    private static boolean connectionHas(HeaderValues connection, HttpString option) {
        return contains(connectionOptions(connection), option);
    }

    private static String via(HeaderValues via, String protocol) {
        String mine = mine(protocol);
        return via == null ? mine : joined(via) + ", " + mine;
    }

    private static String mine(String protocol) {
        return "1.1".equals(protocol) ? VIA_11 : "1.0".equals(protocol) ? VIA_10 : protocol + " " + VIA_NAME;
    }

    private static String joined(HeaderValues values) {
        if (values.size() == 1) {
            return values.getFirst();
        }
        return String.join(", ", values);
    }
}
