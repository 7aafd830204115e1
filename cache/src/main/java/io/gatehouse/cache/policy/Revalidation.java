package io.gatehouse.cache.policy;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Revalidating a stored response with the origin (RFC 9111 §4.3): the conditional fields to send, whether
 * a 304 answers for the stored response, and the stored fields it updates.
 *
 * <p>Choices:
 * <ul>
 *   <li>Validators sent: {@code If-None-Match} with the stored {@code ETag} and {@code If-Modified-Since}
 *       with the stored {@code Last-Modified}, both when both exist (§4.3.1). No {@code If-Modified-Since}
 *       built from {@code Date} when there is no {@code Last-Modified} (§4.3.1 allows it): an origin
 *       that never sent {@code Last-Modified} cannot be trusted to compare dates, and a wrong 304 would keep
 *       an outdated body. Such an entry is fetched again in full. A stored {@code ETag} that is not a
 *       well-formed entity-tag is not sent.</li>
 *   <li>A 304 applies (§4.3.4) when its {@code ETag}, if it has one, is the stored one exactly (so a strong
 *       tag matches only the same strong tag, a weak tag only the same weak tag); without an {@code ETag},
 *       when its {@code Last-Modified}, if it has one, is the stored date. A 304 with no validator at all is
 *       taken as the answer to the conditional request this cache sent, and applies.</li>
 *   <li>Fields a 304 does not update (§3.2): hop-by-hop fields, {@code Set-Cookie}, fields named by
 *       {@code no-cache="..."}/{@code private="..."} in either response, {@code Content-Length}, and the
 *       fields the stored body and key depend on: {@code Content-Encoding}, {@code Content-Range},
 *       {@code Vary}. The merged head is timed by the 304's exchange, so a {@code Date} or {@code Age} the
 *       304 lacks is removed rather than kept from the older response (else the entry would look older, or
 *       younger, than it is).</li>
 * </ul>
 * After a merge, the caller stores the merged fields with the 304's request and response times, unless
 * {@link Storability} now refuses them (a 304 that brings {@code no-store} or {@code private}): then the
 * entry is removed.
 */
public final class Revalidation {
    private static final Set<String> NOT_UPDATED = Set.of("content-length", "content-encoding", "content-range", "vary");

    private Revalidation() {
    }

    /** The fields to add to the request that revalidates a stored response; empty when it has no validator. */
    public static FieldList conditionalFields(Fields stored) {
        FieldList.Builder b = FieldList.builder();
        EntityTag tag = EntityTag.parse(stored.first("ETag"));
        if (tag != null) {
            b.add("If-None-Match", tag.toString());
        }
        String lastModified = stored.first("Last-Modified");
        if (HttpDates.parse(lastModified) != HttpDates.ABSENT) {
            b.add("If-Modified-Since", lastModified.strip());
        }
        return b.build();
    }

    /** True when the response can be revalidated: a well-formed {@code ETag} or a valid {@code Last-Modified}. */
    public static boolean hasValidator(Fields response) {
        return EntityTag.parse(response.first("ETag")) != null
                || HttpDates.parse(response.first("Last-Modified")) != HttpDates.ABSENT;
    }

    /** True when a 304 from the origin is about the stored response, so it may update it (§4.3.4). */
    public static boolean applies(Fields stored, Fields notModified) {
        String tag = notModified.first("ETag");
        if (tag != null) {
            String storedTag = stored.first("ETag");
            return storedTag != null && storedTag.strip().equals(tag.strip());
        }
        String lastModified = notModified.first("Last-Modified");
        if (lastModified != null) {
            long date = HttpDates.parse(lastModified);
            return date != HttpDates.ABSENT && date == HttpDates.parse(stored.first("Last-Modified"));
        }
        return true;
    }

    /** The stored fields updated by a 304 (§4.3.4, §3.2): each field the 304 carries replaces the stored one. */
    public static FieldList merge(Fields stored, Fields notModified) {
        Set<String> skip = new HashSet<>(NOT_UPDATED);
        skip.addAll(Storability.notStored(notModified));
        skip.addAll(CacheControl.response(notModified).namedFields());
        skip.addAll(CacheControl.response(stored).namedFields());
        FieldList merged = FieldList.copyOf(stored);
        for (String name : notModified.names()) {
            if (!skip.contains(name.toLowerCase(Locale.ROOT))) {
                merged = merged.with(name, notModified.all(name));
            }
        }
        if (!notModified.has("Date")) {
            merged = merged.without("Date");
        }
        if (!notModified.has("Age")) {
            merged = merged.without("Age");
        }
        return merged;
    }
}
