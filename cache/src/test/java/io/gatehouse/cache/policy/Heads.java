package io.gatehouse.cache.policy;

/** Test fixtures: header fields written as {@code "Name: value"} lines, and dates around a fixed instant. */
final class Heads {
    /** The instant every table is written around: a whole second, 2023-11-14T22:13:20Z. */
    static final long T0 = 1_700_000_000_000L;

    private Heads() {
    }

    /** Fields from {@code "Name: value"} lines, in order; {@code "Name:"} is an empty value. */
    static FieldList h(String... lines) {
        FieldList.Builder b = FieldList.builder();
        for (String line : lines) {
            int colon = line.indexOf(':');
            b.add(line.substring(0, colon), line.substring(colon + 1).strip());
        }
        return b.build();
    }

    /** The IMF-fixdate {@code seconds} after (or before) {@link #T0}. */
    static String at(long seconds) {
        return HttpDates.format(T0 + seconds * 1000);
    }

    /** A 200 stored at {@link #T0} (request and response time) with these fields. */
    static StoredHead stored(FieldList fields) {
        return StoredHead.of(200, fields, T0, T0);
    }
}
