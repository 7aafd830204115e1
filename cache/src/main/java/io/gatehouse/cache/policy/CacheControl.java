package io.gatehouse.cache.policy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code Cache-Control} directives of a request or a response (RFC 9111 §5.2, RFC 5861), read once
 * into plain values.
 *
 * <p>Reading rules:
 * <ul>
 *   <li>Every {@code Cache-Control} line is read as one list; directive names are case-insensitive;
 *       unknown directives are ignored (§5.2.3).</li>
 *   <li>Arguments are accepted in token and quoted-string form ({@code max-age=5} and
 *       {@code max-age="5"}, §5.2).</li>
 *   <li>Seconds are delta-seconds (§1.2.2): digits only. A value above 2^31 is 2^31
 *       ({@link #MAX_DELTA}), so huge numbers never overflow. A missing, empty, signed or non-numeric value
 *       is {@link #INVALID}.</li>
 *   <li>Choice (§4.2.1 allows "use the first" or "consider stale"): a directive repeated with the
 *       <em>same</em> value is that value; repeated with <em>different</em> values it is {@link #INVALID}.
 *       How {@code INVALID} is used is the safe side for each directive: a response's {@code max-age} or
 *       {@code s-maxage} makes the response stale (§4.2.1 encourages this); a request's {@code max-age} or
 *       {@code min-fresh} asks for revalidation; a permission to serve stale ({@code max-stale},
 *       {@code stale-while-revalidate}, {@code stale-if-error}) that is invalid is ignored.</li>
 *   <li>{@code no-cache} and {@code private} with field names ({@code private="Set-Cookie, X-User"})
 *       collect the names, lower-cased; the same directive without names (or with an empty list) anywhere
 *       in the field makes it apply to the whole response, the stricter reading. In a request, where
 *       {@code no-cache} takes no argument (§5.2.1.4), {@code no-cache="..."} is a plain {@code no-cache}.</li>
 *   <li>{@code Pragma: no-cache} counts as request {@code no-cache} only when the request has no
 *       {@code Cache-Control} field at all (§5.4). {@code Pragma} in a response means nothing (§5.4).</li>
 * </ul>
 */
public final class CacheControl {
    /** A seconds-valued directive that is not present. */
    public static final long ABSENT = -1;
    /** A seconds-valued directive present with a bad value (see the class comment for what that means). */
    public static final long INVALID = -2;
    /** The greatest delta-seconds value kept (2^31, RFC 9111 §1.2.2); larger values are read as this. */
    public static final long MAX_DELTA = 2_147_483_648L;

    private static final CacheControl NONE = new CacheControl(List.of(), false);

    private boolean noStore;
    private boolean noCache;
    private final Set<String> noCacheFields = new LinkedHashSet<>();
    private boolean isPrivate;
    private final Set<String> privateFields = new LinkedHashSet<>();
    private boolean isPublic;
    private boolean mustRevalidate;
    private boolean proxyRevalidate;
    private boolean mustUnderstand;
    private boolean immutable;
    private boolean onlyIfCached;
    private long maxAge = ABSENT;
    private long sMaxAge = ABSENT;
    private long maxStale = ABSENT;
    private long minFresh = ABSENT;
    private long staleWhileRevalidate = ABSENT;
    private long staleIfError = ABSENT;

    private CacheControl(List<String> elements, boolean pragmaNoCache) {
        for (String element : elements) {
            read(element);
        }
        noCache |= pragmaNoCache;
    }

    /** The directives of a response's {@code Cache-Control}. */
    public static CacheControl response(Fields response) {
        List<String> elements = FieldElements.of(response, "Cache-Control");
        return elements.isEmpty() ? NONE : new CacheControl(elements, false);
    }

    /** The directives of a request's {@code Cache-Control}, or {@code Pragma: no-cache} when it has none. */
    public static CacheControl request(Fields request) {
        if (!request.has("Cache-Control")) {
            for (String p : FieldElements.of(request, "Pragma")) {
                if (p.equalsIgnoreCase("no-cache")) {
                    return new CacheControl(List.of(), true);
                }
            }
            return NONE;
        }
        CacheControl cc = new CacheControl(FieldElements.of(request, "Cache-Control"), false);
        cc.noCache |= !cc.noCacheFields.isEmpty(); // a request's no-cache takes no field names (§5.2.1.4)
        return cc;
    }

    private void read(String element) {
        int eq = element.indexOf('=');
        String name = (eq < 0 ? element : element.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
        String argument = eq < 0 ? null : argument(element.substring(eq + 1).strip());
        switch (name) {
            case "no-store": noStore = true; break;
            case "no-cache": noCache |= fieldNames(argument, eq >= 0, noCacheFields); break;
            case "private": isPrivate |= fieldNames(argument, eq >= 0, privateFields); break;
            case "public": isPublic = true; break;
            case "must-revalidate": mustRevalidate = true; break;
            case "proxy-revalidate": proxyRevalidate = true; break;
            case "must-understand": mustUnderstand = true; break;
            case "immutable": immutable = true; break;
            case "only-if-cached": onlyIfCached = true; break;
            case "max-age": maxAge = merge(maxAge, seconds(argument)); break;
            case "s-maxage": sMaxAge = merge(sMaxAge, seconds(argument)); break;
            case "max-stale": maxStale = merge(maxStale, eq < 0 ? MAX_DELTA : seconds(argument)); break;
            case "min-fresh": minFresh = merge(minFresh, seconds(argument)); break;
            case "stale-while-revalidate": staleWhileRevalidate = merge(staleWhileRevalidate, seconds(argument)); break;
            case "stale-if-error": staleIfError = merge(staleIfError, seconds(argument)); break;
            default: break; // extensions we do not know are ignored (§5.2.3)
        }
    }

    /** The argument's text: a quoted string unquoted, a token as it is; {@code null} for a broken quoted string. */
    private static String argument(String raw) {
        return raw.startsWith("\"") ? FieldElements.unquote(raw) : raw;
    }

    /**
     * Adds the names of {@code no-cache="..."} / {@code private="..."} to {@code into}; true when the
     * directive applies to the whole response (no argument, an empty or broken one).
     */
    private static boolean fieldNames(String argument, boolean hasArgument, Set<String> into) {
        if (!hasArgument || argument == null) {
            return true;
        }
        List<String> names = FieldElements.split(argument);
        if (names.isEmpty()) {
            return true;
        }
        for (String n : names) {
            into.add(n.toLowerCase(Locale.ROOT));
        }
        return false;
    }

    /** delta-seconds (§1.2.2): digits only, capped at 2^31; {@link #INVALID} otherwise. */
    static long seconds(String argument) {
        if (argument == null || argument.isEmpty()) {
            return INVALID;
        }
        long v = 0;
        for (int i = 0; i < argument.length(); i++) {
            char c = argument.charAt(i);
            if (c < '0' || c > '9') {
                return INVALID;
            }
            v = Math.min(v * 10 + (c - '0'), MAX_DELTA);
        }
        return v;
    }

    /** A repeated directive keeps its value only when the values agree. */
    private static long merge(long previous, long next) {
        return previous == ABSENT || previous == next ? next : INVALID;
    }

    /** {@code no-store}: nothing of this exchange is stored. */
    public boolean noStore() {
        return noStore;
    }

    /**
     * {@code no-cache} without field names (or request {@code Pragma: no-cache}): a stored response is used
     * only after a successful revalidation.
     */
    public boolean noCache() {
        return noCache;
    }

    /** Lower-cased names from {@code no-cache="..."}: those fields are not stored. */
    public Set<String> noCacheFields() {
        return Set.copyOf(noCacheFields);
    }

    /** {@code private} without field names: a shared cache does not store the response. */
    public boolean isPrivate() {
        return isPrivate;
    }

    /** Lower-cased names from {@code private="..."}: those fields are not stored. */
    public Set<String> privateFields() {
        return Set.copyOf(privateFields);
    }

    public boolean isPublic() {
        return isPublic;
    }

    public boolean mustRevalidate() {
        return mustRevalidate;
    }

    public boolean proxyRevalidate() {
        return proxyRevalidate;
    }

    public boolean mustUnderstand() {
        return mustUnderstand;
    }

    public boolean immutable() {
        return immutable;
    }

    public boolean onlyIfCached() {
        return onlyIfCached;
    }

    /** Seconds, {@link #ABSENT} or {@link #INVALID}. */
    public long maxAge() {
        return maxAge;
    }

    /** Seconds, {@link #ABSENT} or {@link #INVALID}. */
    public long sMaxAge() {
        return sMaxAge;
    }

    /** Seconds ({@link #MAX_DELTA} when given without a value: any staleness), {@link #ABSENT} or {@link #INVALID}. */
    public long maxStale() {
        return maxStale;
    }

    /** Seconds, {@link #ABSENT} or {@link #INVALID}. */
    public long minFresh() {
        return minFresh;
    }

    /** Seconds, {@link #ABSENT} or {@link #INVALID} (RFC 5861 §3). */
    public long staleWhileRevalidate() {
        return staleWhileRevalidate;
    }

    /** Seconds, {@link #ABSENT} or {@link #INVALID} (RFC 5861 §4; a request or a response directive). */
    public long staleIfError() {
        return staleIfError;
    }

    /** Lower-cased names of every field named by {@code no-cache="..."} or {@code private="..."}. */
    Set<String> namedFields() {
        Set<String> all = new LinkedHashSet<>(noCacheFields);
        all.addAll(privateFields);
        return all;
    }

    /** The directives read, in a fixed order ({@code no-store, max-age=60, s-maxage=invalid}), for logs and tests. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        flag(s, noStore, "no-store");
        flag(s, noCache, "no-cache");
        flag(s, !noCacheFields.isEmpty(), "no-cache=" + noCacheFields);
        flag(s, isPrivate, "private");
        flag(s, !privateFields.isEmpty(), "private=" + privateFields);
        flag(s, isPublic, "public");
        flag(s, mustRevalidate, "must-revalidate");
        flag(s, proxyRevalidate, "proxy-revalidate");
        flag(s, mustUnderstand, "must-understand");
        flag(s, immutable, "immutable");
        flag(s, onlyIfCached, "only-if-cached");
        delta(s, maxAge, "max-age");
        delta(s, sMaxAge, "s-maxage");
        delta(s, maxStale, "max-stale");
        delta(s, minFresh, "min-fresh");
        delta(s, staleWhileRevalidate, "stale-while-revalidate");
        delta(s, staleIfError, "stale-if-error");
        return s.toString();
    }

    private static void flag(StringBuilder s, boolean on, String text) {
        if (on) {
            s.append(s.length() == 0 ? "" : ", ").append(text);
        }
    }

    private static void delta(StringBuilder s, long v, String name) {
        flag(s, v != ABSENT, name + "=" + (v == INVALID ? "invalid" : Long.toString(v)));
    }
}
