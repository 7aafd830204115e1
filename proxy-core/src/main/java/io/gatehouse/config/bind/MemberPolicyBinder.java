package io.gatehouse.config.bind;

import io.gatehouse.config.model.HashKey;
import io.gatehouse.config.model.HealthCheckSpec;
import io.gatehouse.config.model.MemberPolicy;
import io.gatehouse.config.model.StatusRanges;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds the keys of an {@code [@name]} section that say how its members are treated: {@code hash_key},
 * the active health check ({@code health} and its settings), passive health ({@code max_fails},
 * {@code fail_timeout}, {@code fail_on}), {@code slow_start}, retries and overload. Every key has
 * nginx's or HAProxy's default. A value that does not parse is an error at its line and leaves the
 * default; a key that can have no effect with the rest of the section (a health setting without
 * {@code health}, {@code hash_key} without {@code consistent_hash}...) is a warning at its line.
 */
final class MemberPolicyBinder {
    private static final Duration MORE_THAN_ZERO = Duration.ofMillis(1);
    /** A request's body held for a retry lives in memory for the request's life: bounded. */
    static final long MAX_RETRY_BODY = 64L << 20;
    /** The keys that only matter with {@code health = /path}, in the order the docs list them. */
    static final List<String> HEALTH_SETTINGS = List.of("health_interval", "health_timeout", "rise", "fall",
            "health_status", "health_host");

    private static final String HASH_KEY_EXPECTED = "client, path, uri, header:NAME or cookie:NAME";
    private static final String HEALTH_EXPECTED = "a path starting with / such as /healthz or /status?full=1,"
            + " in letters, digits, -._~!$&'()*+,;=:@/? and %XX escapes";
    private static final String HEALTH_HOST_EXPECTED = "a host name or IP address with an optional port,"
            + " e.g. api.example.com or 10.0.0.1:8080";
    private static final String HEALTH_STATUS_EXPECTED = "status codes and ranges within 100..599,"
            + " e.g. 200-399 or 200, 301-302";
    private static final String FAIL_ON_EXPECTED = "status codes and ranges within 400..599 (answers that"
            + " report an error), e.g. 502, 503, 504 or 500-599";
    /** RFC 9110 {@code token}: a header field name; RFC 6265 {@code cookie-name} is the same set. */
    static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
    /** RFC 3986 path and query characters, {@code %} only as the start of an escape (checked apart). */
    private static final Pattern REQUEST_TARGET = Pattern.compile("/[A-Za-z0-9\\-._~!$&'()*+,;=:@/?%]*");
    private static final Pattern ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");
    private static final Pattern STATUS_ITEM = Pattern.compile("([0-9]{3})(?:\\s*-\\s*([0-9]{3}))?");

    private MemberPolicyBinder() {
    }

    /**
     * The policy of {@code kv}'s cluster.
     *
     * @param strategy the cluster's strategy, or empty when {@code strategy} was refused (then nothing
     *                 is said about keys that depend on it)
     */
    static MemberPolicy bind(KeyValues kv, Optional<String> strategy) {
        MemberPolicy d = MemberPolicy.DEFAULTS;
        HashKey hashKey = kv.parse("hash_key", d.hashKey(), HASH_KEY_EXPECTED, MemberPolicyBinder::hashKey);
        Optional<HealthCheckSpec> health = health(kv);
        int maxFails = kv.integer("max_fails", 0, Integer.MAX_VALUE, d.maxFails());
        Duration failTimeout = kv.duration("fail_timeout", MORE_THAN_ZERO, d.failTimeout());
        StatusRanges failOn = kv.parse("fail_on", d.failOn(), FAIL_ON_EXPECTED,
                value -> value.isBlank() ? StatusRanges.NONE : statusRanges(value, 400, FAIL_ON_EXPECTED));
        Duration slowStart = kv.duration("slow_start", Duration.ZERO, d.slowStart());
        int retries = kv.integer("retries", 0, Integer.MAX_VALUE, d.retries());
        long retryBodyMax = kv.size("retry_body_max", 0, MAX_RETRY_BODY, d.retryBodyMax());
        Duration retryTimeout = kv.duration("retry_timeout", Duration.ZERO, d.retryTimeout());
        int maxConnections = kv.integer("max_connections", 0, Integer.MAX_VALUE, d.maxConnections());
        int maxQueue = kv.integer("max_queue", 0, Integer.MAX_VALUE, d.maxQueue());
        Duration queueTimeout = kv.duration("queue_timeout", MORE_THAN_ZERO, d.queueTimeout());

        strategy.ifPresent(name -> strategyWarnings(kv, name, slowStart));
        if (kv.given("max_fails") && maxFails == 0 && kv.given("fail_timeout")) {
            kv.warning("fail_timeout", "fail_timeout has no effect with max_fails = 0 (members are never taken out"
                    + " by failed requests)");
        }
        if (kv.given("retries") && retries == 0) {
            for (String key : List.of("retry_body_max", "retry_timeout")) {
                if (kv.given(key)) {
                    kv.warning(key, key + " has no effect with retries = 0");
                }
            }
        }
        if (kv.entry("max_connections").isEmpty() || (kv.given("max_connections") && maxConnections == 0)) {
            for (String key : List.of("max_queue", "queue_timeout")) {
                if (kv.given(key)) {
                    kv.warning(key, key + " has no effect without max_connections: requests wait only for a member"
                            + " at its max_connections limit");
                }
            }
        } else if (maxConnections > 0 && kv.given("max_queue") && maxQueue == 0 && kv.given("queue_timeout")) {
            kv.warning("queue_timeout", "queue_timeout has no effect with max_queue = 0: requests over"
                    + " max_connections are answered 503 at once");
        }
        return new MemberPolicy(hashKey, health, maxFails, failTimeout, failOn, slowStart,
                retries, retryBodyMax, retryTimeout, maxConnections, maxQueue, queueTimeout);
    }

    /** {@code hash_key} and {@code slow_start} with a strategy that does not use them. */
    private static void strategyWarnings(KeyValues kv, String strategy, Duration slowStart) {
        if (kv.given("hash_key")) {
            if (strategy.equals("ip_hash")) {
                kv.warning("hash_key", "hash_key is ignored by ip_hash, which hashes the client address;"
                        + " to hash by another key, use strategy = consistent_hash");
            } else if (!strategy.equals("consistent_hash")) {
                kv.warning("hash_key", "hash_key has no effect with strategy = " + strategy
                        + "; only consistent_hash uses it");
            }
        }
        boolean hashing = strategy.equals("ip_hash") || strategy.equals("consistent_hash");
        if (hashing && kv.given("slow_start") && !slowStart.isZero()) {
            kv.warning("slow_start", "slow_start is ignored by " + strategy
                    + ": hash strategies keep their keys stable and ignore slow_start");
        }
    }

    /**
     * {@code health} and its settings. Every setting is checked whether or not {@code health} is set,
     * and one set without it is a warning (unless {@code health} was written but refused: then its
     * error says enough).
     */
    private static Optional<HealthCheckSpec> health(KeyValues kv) {
        Optional<String> path = kv.parse("health", Optional.empty(), HEALTH_EXPECTED, value -> {
            if (!REQUEST_TARGET.matcher(value).matches() || ESCAPE.matcher(value).find()) {
                throw new BadValueException(HEALTH_EXPECTED);
            }
            return Optional.of(value);
        });
        Duration interval = kv.duration("health_interval", MORE_THAN_ZERO, HealthCheckSpec.DEFAULT_INTERVAL);
        Duration timeout = kv.duration("health_timeout", MORE_THAN_ZERO, HealthCheckSpec.DEFAULT_TIMEOUT);
        int rise = kv.integer("rise", 1, Integer.MAX_VALUE, HealthCheckSpec.DEFAULT_RISE);
        int fall = kv.integer("fall", 1, Integer.MAX_VALUE, HealthCheckSpec.DEFAULT_FALL);
        StatusRanges status = kv.parse("health_status", StatusRanges.OK_OR_REDIRECT, HEALTH_STATUS_EXPECTED,
                value -> statusRanges(value, 100, HEALTH_STATUS_EXPECTED));
        Optional<String> host = kv.parse("health_host", Optional.empty(), HEALTH_HOST_EXPECTED, value -> {
            try {
                HostPorts.parse(value, 80);
            } catch (BadValueException e) {
                throw new BadValueException(HEALTH_HOST_EXPECTED);
            }
            return Optional.of(value.strip());
        });
        if (kv.entry("health").isEmpty()) {
            for (String key : HEALTH_SETTINGS) {
                if (kv.given(key)) {
                    kv.warning(key, key + " has no effect without health = /path");
                }
            }
            return Optional.empty();
        }
        if (path.isEmpty()) {
            return Optional.empty();
        }
        if (timeout.compareTo(interval) >= 0 && (kv.given("health_timeout") || kv.given("health_interval"))) {
            kv.warning(kv.given("health_timeout") ? "health_timeout" : "health_interval", "health_timeout "
                    + Durations.format(timeout) + " is not shorter than health_interval " + Durations.format(interval)
                    + ": a check that takes its whole time delays the next one");
        }
        return Optional.of(new HealthCheckSpec(path.get(), interval, timeout, rise, fall, status, host));
    }

    /** {@code client}, {@code path}, {@code uri}, {@code header:NAME} or {@code cookie:NAME}. */
    static HashKey hashKey(String value) {
        int colon = value.indexOf(':');
        String kind = (colon < 0 ? value : value.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
        String name = colon < 0 ? "" : value.substring(colon + 1).strip();
        switch (kind) {
            case "client", "path", "uri" -> {
                if (colon >= 0) {
                    throw new BadValueException(HASH_KEY_EXPECTED + " (" + kind + " takes no name)");
                }
                return new HashKey(HashKey.Kind.valueOf(kind.toUpperCase(Locale.ROOT)), "");
            }
            case "header" -> {
                if (!TOKEN.matcher(name).matches()) {
                    throw new BadValueException("header:NAME with NAME a header field name (letters, digits and"
                            + " !#$%&'*+-.^_`|~), e.g. header:X-Tenant");
                }
                return new HashKey(HashKey.Kind.HEADER, name);
            }
            case "cookie" -> {
                if (!TOKEN.matcher(name).matches()) {
                    throw new BadValueException("cookie:NAME with NAME a cookie name (letters, digits and"
                            + " !#$%&'*+-.^_`|~), e.g. cookie:session");
                }
                return new HashKey(HashKey.Kind.COOKIE, name);
            }
            default -> throw new BadValueException(HASH_KEY_EXPECTED);
        }
    }

    /** {@code 200-399}, {@code 200, 301-302}: codes and inclusive ranges within {@code min..599}. */
    static StatusRanges statusRanges(String value, int min, String expected) {
        if (value.isBlank()) {
            throw new BadValueException(expected);
        }
        List<StatusRanges.Range> ranges = new ArrayList<>();
        for (String item : value.split(",", -1)) {
            Matcher m = STATUS_ITEM.matcher(item.strip());
            if (!m.matches()) {
                throw new BadValueException(expected);
            }
            int low = Integer.parseInt(m.group(1));
            int high = m.group(2) == null ? low : Integer.parseInt(m.group(2));
            if (low < min || high > 599 || low > high) {
                throw new BadValueException(expected);
            }
            ranges.add(new StatusRanges.Range(low, high));
        }
        return new StatusRanges(ranges);
    }
}
