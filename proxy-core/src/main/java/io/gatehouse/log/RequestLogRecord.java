package io.gatehouse.log;

import java.time.LocalDateTime;
import java.util.Objects;

/**
 * One request: the 17 fields of the request log in their documented order (docs/logs.md), then what
 * the text line leaves out and the JSON form and the ring carry after them: the cluster, the final
 * member and the number of attempts of a proxied request, the response cache's status, and the client
 * address the request was treated as coming from.
 * Values are raw text (what came off the wire read as UTF-8, see {@link WireText});
 * {@link RequestLogFormatter} escapes them.
 *
 * @param received     local date and time the request head was received (fields 1 and 2)
 * @param client       socket peer as {@code ip:port}, IPv6 in brackets (3)
 * @param server       the Host the request named with its port, or the listener's address (4)
 * @param method       as sent (5)
 * @param url          path and query as received (6)
 * @param protocol     {@code HTTP/1.1} (7)
 * @param status       response status; 499 when no answer began (8)
 * @param bytesRecv    request body bytes (9)
 * @param bytesSent    response body bytes that were sent (10)
 * @param gtid         global transaction id, the request id that travels between services (11)
 * @param ltid         this process's sequence number for the request (12)
 * @param user         user name, or null (13)
 * @param token        token fingerprint, or null; never the token itself (14)
 * @param userAgent    User-Agent header, or null (15)
 * @param handlingMs   request received until response headers ready (16)
 * @param sendingMs    response headers until last byte written (17)
 * @param cluster      the cluster the request went to (its name, or a route's single upstream URL), or null
 * @param member       the member of its last attempt ({@code host:port}), or null when none was tried
 * @param attempts     attempts with members (0 when the request went to no member)
 * @param cache        the response cache's status ({@code HIT}, {@code MISS}, ...; see {@link CacheStatus}), or
 *                     null when no cache saw the request
 * @param clientIp     the client's address without port, as {@code ips}, {@code X-Forwarded-For} and
 *                     {@code ip_hash} used it: the socket peer's, or the client found behind
 *                     {@code trusted_proxies}; null when unknown
 */
public record RequestLogRecord(LocalDateTime received, String client, String server, String method, String url,
                               String protocol, int status, long bytesRecv, long bytesSent, String gtid, long ltid,
                               String user, String token, String userAgent, long handlingMs, long sendingMs,
                               String cluster, String member, int attempts, String cache, String clientIp) {
    public RequestLogRecord {
        Objects.requireNonNull(received, "received");
    }

    /** A request whose client address is not known apart from field 3. */
    public RequestLogRecord(LocalDateTime received, String client, String server, String method, String url,
                            String protocol, int status, long bytesRecv, long bytesSent, String gtid, long ltid,
                            String user, String token, String userAgent, long handlingMs, long sendingMs,
                            String cluster, String member, int attempts, String cache) {
        this(received, client, server, method, url, protocol, status, bytesRecv, bytesSent, gtid, ltid, user, token,
                userAgent, handlingMs, sendingMs, cluster, member, attempts, cache, null);
    }

    /** A request no response cache saw. */
    public RequestLogRecord(LocalDateTime received, String client, String server, String method, String url,
                            String protocol, int status, long bytesRecv, long bytesSent, String gtid, long ltid,
                            String user, String token, String userAgent, long handlingMs, long sendingMs,
                            String cluster, String member, int attempts) {
        this(received, client, server, method, url, protocol, status, bytesRecv, bytesSent, gtid, ltid, user, token,
                userAgent, handlingMs, sendingMs, cluster, member, attempts, null);
    }

    /** A request that went to no cluster: the 17 fields only. */
    public RequestLogRecord(LocalDateTime received, String client, String server, String method, String url,
                            String protocol, int status, long bytesRecv, long bytesSent, String gtid, long ltid,
                            String user, String token, String userAgent, long handlingMs, long sendingMs) {
        this(received, client, server, method, url, protocol, status, bytesRecv, bytesSent, gtid, ltid, user, token,
                userAgent, handlingMs, sendingMs, null, null, 0, null, null);
    }
}
