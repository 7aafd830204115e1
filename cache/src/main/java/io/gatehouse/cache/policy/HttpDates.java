package io.gatehouse.cache.policy;

import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * HTTP dates (RFC 9110 §5.6.7) as epoch milliseconds: {@code Date}, {@code Expires},
 * {@code Last-Modified}, {@code If-Modified-Since}.
 *
 * <p>Reads the three forms a recipient must accept: IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}),
 * the obsolete RFC 850 form ({@code Sunday, 06-Nov-94 08:49:37 GMT}) and asctime
 * ({@code Sun Nov  6 08:49:37 1994}). Day and month names are read case-insensitively, the weekday is
 * not checked against the date, and whitespace around the value is ignored. Anything else (including
 * {@code 0} and {@code -1}, common in {@code Expires}) is {@link #ABSENT}: callers treat an invalid
 * {@code Expires} as already expired (RFC 9111 §5.3) and an invalid {@code Date} as missing.
 *
 * <p>Choice: a two-digit RFC 850 year {@code 00}–{@code 69} is 2000–2069 and {@code 70}–{@code 99} is
 * 1970–1999, so parsing needs no clock. RFC 9110's rule (a year more than 50 years ahead is in the past
 * century) differs only for the years {@code 70} and above that are less than 50 years ahead (in 2026:
 * {@code 70}–{@code 76}); those are read as 1970s, already past, which for {@code Expires} is the safe side.
 */
public final class HttpDates {
    /** Returned when the value is missing or not a valid HTTP date. */
    public static final long ABSENT = Long.MIN_VALUE;

    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] LONG_DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    private HttpDates() {
    }

    /** The date as epoch milliseconds, or {@link #ABSENT} when {@code value} is null or not an HTTP date. */
    public static long parse(String value) {
        if (value == null) {
            return ABSENT;
        }
        String s = value.strip();
        int comma = s.indexOf(',');
        if (comma == 3) {
            return imfFixdate(s);
        }
        if (comma > 3) {
            return rfc850(s, comma);
        }
        return comma < 0 ? asctime(s) : ABSENT;
    }

    /** {@code Sun, 06 Nov 1994 08:49:37 GMT} */
    private static long imfFixdate(String s) {
        if (s.length() != 29 || !oneOf(DAYS, s, 0, 3) || !at(s, 4, ' ') || !at(s, 7, ' ') || !at(s, 11, ' ')
                || !at(s, 16, ' ') || !gmt(s, 25)) {
            return ABSENT;
        }
        return epochMillis(digits(s, 12, 4), month(s, 8), digits(s, 5, 2), s, 17);
    }

    /** {@code Sunday, 06-Nov-94 08:49:37 GMT} */
    private static long rfc850(String s, int comma) {
        int p = comma + 2;
        if (s.length() != p + 22 || !oneOf(LONG_DAYS, s, 0, comma) || !at(s, comma + 1, ' ') || !at(s, p + 2, '-')
                || !at(s, p + 6, '-') || !at(s, p + 9, ' ') || !gmt(s, p + 18)) {
            return ABSENT;
        }
        int yy = digits(s, p + 7, 2);
        int year = yy < 0 ? -1 : yy < 70 ? 2000 + yy : 1900 + yy;
        return epochMillis(year, month(s, p + 3), digits(s, p, 2), s, p + 10);
    }

    /** {@code Sun Nov  6 08:49:37 1994} */
    private static long asctime(String s) {
        if (s.length() != 24 || !oneOf(DAYS, s, 0, 3) || !at(s, 3, ' ') || !at(s, 7, ' ') || !at(s, 10, ' ')
                || !at(s, 19, ' ')) {
            return ABSENT;
        }
        int day = at(s, 8, ' ') ? digits(s, 9, 1) : digits(s, 8, 2);
        return epochMillis(digits(s, 20, 4), month(s, 4), day, s, 11);
    }

    /** Checks the ranges; the time of day is {@code HH:MM:SS} at {@code t}. */
    private static long epochMillis(int year, int month, int day, String s, int t) {
        if (!at(s, t + 2, ':') || !at(s, t + 5, ':')) {
            return ABSENT;
        }
        int hour = digits(s, t, 2);
        int minute = digits(s, t + 3, 2);
        int second = digits(s, t + 6, 2);
        if (year < 0 || month < 1 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 60) {
            return ABSENT;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return ABSENT; // 31 Feb and the like
        }
        return (epochDay * 86_400 + hour * 3600L + minute * 60L + second) * 1000;
    }

    /** IMF-fixdate for epoch milliseconds (sub-second part dropped), e.g. for {@code Date} or tests. */
    public static String format(long epochMillis) {
        long seconds = Math.floorDiv(epochMillis, 1000);
        long epochDay = Math.floorDiv(seconds, 86_400);
        int secondOfDay = Math.floorMod(seconds, 86_400);
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        StringBuilder s = new StringBuilder(29);
        s.append(DAYS[date.getDayOfWeek().ordinal()]).append(", ");
        two(s, date.getDayOfMonth()).append(' ').append(MONTHS[date.getMonthValue() - 1]).append(' ');
        int year = date.getYear();
        two(two(s, year / 100), year % 100).append(' ');
        two(s, secondOfDay / 3600).append(':');
        two(s, secondOfDay / 60 % 60).append(':');
        return two(s, secondOfDay % 60).append(" GMT").toString();
    }

    private static StringBuilder two(StringBuilder s, int v) {
        return s.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    private static boolean at(String s, int i, char c) {
        return i < s.length() && s.charAt(i) == c;
    }

    private static boolean gmt(String s, int space) {
        return at(s, space, ' ') && s.length() == space + 4 && s.regionMatches(true, space + 1, "GMT", 0, 3);
    }

    private static boolean oneOf(String[] names, String s, int from, int to) {
        for (String name : names) {
            if (name.length() == to - from && s.regionMatches(true, from, name, 0, name.length())) {
                return true;
            }
        }
        return false;
    }

    /** 1..12, or -1. */
    private static int month(String s, int from) {
        for (int m = 0; m < MONTHS.length; m++) {
            if (s.regionMatches(true, from, MONTHS[m], 0, 3)) {
                return m + 1;
            }
        }
        return -1;
    }

    /** The decimal number in {@code s[from, from+count)}, or -1 when a character is not a digit. */
    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
