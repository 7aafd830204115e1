package io.gatehouse.admin.api;

import io.gatehouse.log.RequestLogRecord;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The filters of {@code /api/requests} and its stream: {@code status} ({@code 404}, {@code 4xx},
 * {@code 5xx}), {@code cluster}, {@code host} (the server field without its port) and {@code q}, a
 * case-insensitive piece of the url, host, client, user, user agent or request id.
 */
record RequestFilter(Optional<String> status, Optional<String> cluster, Optional<String> host, Optional<String> q)
        implements Predicate<RequestLogRecord> {

    /** Thrown for a filter value that makes no sense ({@code status=6xx}): a 400. */
    static final class BadFilter extends RuntimeException {
        BadFilter(String message) {
            super(message, null, false, false);
        }
    }

    static RequestFilter from(Map<String, Deque<String>> query) {
        Optional<String> status = param(query, "status").map(s -> s.toLowerCase(Locale.ROOT));
        if (status.isPresent() && !status.get().matches("[1-5]([0-9]{2}|xx)")) {
            throw new BadFilter("status must be a status (404) or a class (4xx, 5xx), got " + status.get());
        }
        return new RequestFilter(status, param(query, "cluster").map(c -> c.startsWith("@") ? c.substring(1) : c),
                param(query, "host").map(h -> h.toLowerCase(Locale.ROOT)),
                param(query, "q").map(s -> s.toLowerCase(Locale.ROOT)));
    }

    static Optional<String> param(Map<String, Deque<String>> query, String name) {
        Deque<String> values = query.get(name);
        if (values == null || values.isEmpty() || values.peekFirst().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(values.peekFirst().strip());
    }

    @Override
    public boolean test(RequestLogRecord r) {
        if (status.isPresent()) {
            String s = status.get();
            String actual = Integer.toString(r.status());
            if (s.endsWith("xx") ? actual.charAt(0) != s.charAt(0) : !actual.equals(s)) {
                return false;
            }
        }
        if (cluster.isPresent() && !cluster.get().equals(r.cluster())) {
            return false;
        }
        if (host.isPresent() && !host.get().equals(hostOf(r.server()))) {
            return false;
        }
        if (q.isPresent()) {
            String needle = q.get();
            return contains(r.url(), needle) || contains(r.server(), needle) || contains(r.client(), needle)
                    || contains(r.user(), needle) || contains(r.userAgent(), needle) || contains(r.gtid(), needle);
        }
        return true;
    }

    private static boolean contains(String field, String needle) {
        return field != null && field.toLowerCase(Locale.ROOT).contains(needle);
    }

    /** The server field ({@code example.com:8080}, {@code [::1]:80}) without its port, lower-case. */
    static String hostOf(String server) {
        if (server == null) {
            return null;
        }
        String s = server.toLowerCase(Locale.ROOT);
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            return end < 0 ? s : s.substring(0, end + 1);
        }
        int colon = s.lastIndexOf(':');
        return colon < 0 ? s : s.substring(0, colon);
    }
}
