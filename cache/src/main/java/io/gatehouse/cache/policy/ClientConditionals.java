package io.gatehouse.cache.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Answering a client's conditional GET or HEAD from a stored response (RFC 9110 §13.1, §13.2.2; RFC 9111
 * §4.3.2): 304 or the stored response.
 *
 * <ul>
 *   <li>{@code If-None-Match}: {@code *} matches any stored response; otherwise a 304 when one of the
 *       listed tags weakly matches the stored {@code ETag} (§13.1.2). A malformed list, or a stored
 *       response without a well-formed {@code ETag}, gives the full response.</li>
 *   <li>{@code If-Modified-Since}, only without {@code If-None-Match}, for GET and HEAD, and with exactly
 *       one valid date: a 304 when the stored {@code Last-Modified} is not after it. A stored response
 *       without {@code Last-Modified} is compared by its {@code Date}, or else the time it was received
 *       (RFC 9111 §4.3.2).</li>
 *   <li>Only a stored 2xx answers 304; for any other status the conditions are ignored (§13.2.1).</li>
 *   <li>Choice: a request with {@code If-Match} or {@code If-Unmodified-Since} is
 *       {@link Answer#TO_ORIGIN}: such preconditions usually guard a state change, and the origin, which
 *       owns the current state, should judge them (§4.3.2 lets a cache pass them on).</li>
 * </ul>
 * The caller evaluates this only for a stored response it may answer with (see {@link Lookup}), or after
 * revalidating it. {@code Range} and {@code If-Range} are {@link ByteRanges}'.
 */
public final class ClientConditionals {
    /** What a 304 built from a stored response carries (§15.4.5), in stored order. */
    private static final Set<String> NOT_MODIFIED_FIELDS = Set.of("cache-control", "content-location", "date", "etag",
            "expires", "vary");

    /** The answer to a client's conditions. */
    public enum Answer {
        /** Answer 304 with {@link #notModifiedFields}. */
        NOT_MODIFIED,
        /** Answer the stored response. */
        FULL,
        /** Pass the request to the origin without using the stored response. */
        TO_ORIGIN
    }

    private ClientConditionals() {
    }

    /** The answer to a GET or HEAD {@code request} from {@code entry}; any other method gets {@link Answer#TO_ORIGIN}. */
    public static Answer evaluate(String method, Fields request, StoredHead entry) {
        if (!Lookup.usesCache(method) || request.has("If-Match") || request.has("If-Unmodified-Since")) {
            return Answer.TO_ORIGIN;
        }
        if (entry.status() < 200 || entry.status() > 299) {
            return Answer.FULL;
        }
        Fields stored = entry.headers();
        List<String> noneMatch = request.all("If-None-Match");
        if (!noneMatch.isEmpty()) {
            return noneMatch(noneMatch, stored) ? Answer.NOT_MODIFIED : Answer.FULL;
        }
        List<String> since = request.all("If-Modified-Since");
        long date = since.size() == 1 ? HttpDates.parse(since.get(0)) : HttpDates.ABSENT;
        if (date == HttpDates.ABSENT) {
            return Answer.FULL;
        }
        long modified = HttpDates.parse(stored.first("Last-Modified"));
        if (modified == HttpDates.ABSENT) {
            modified = Freshness.dateOr(stored, entry.responseTime());
        }
        return modified <= date ? Answer.NOT_MODIFIED : Answer.FULL;
    }

    private static boolean noneMatch(List<String> lines, Fields stored) {
        if (lines.size() == 1 && lines.get(0).strip().equals("*")) {
            return true;
        }
        EntityTag current = EntityTag.parse(stored.first("ETag"));
        List<EntityTag> tags = EntityTag.parseList(String.join(",", lines));
        if (current == null || tags == null) {
            return false;
        }
        for (EntityTag tag : tags) {
            if (tag.weakMatch(current)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The fields of a 304 answered from a stored response: {@code Cache-Control}, {@code Content-Location},
     * {@code Date}, {@code ETag}, {@code Expires}, {@code Vary}, and {@code Last-Modified} when there is no
     * {@code ETag} (RFC 9110 §15.4.5). The caller adds {@code Age}.
     */
    public static FieldList notModifiedFields(Fields stored) {
        FieldList all = FieldList.copyOf(stored);
        boolean keepLastModified = !stored.has("ETag");
        List<String> drop = new ArrayList<>();
        for (String name : all.names()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!NOT_MODIFIED_FIELDS.contains(lower) && !(keepLastModified && lower.equals("last-modified"))) {
                drop.add(name);
            }
        }
        return all.without(drop);
    }
}
