package io.gatehouse.config.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code cache_use_stale}: when a stale stored answer may be served instead of what the origin gives,
 * as nginx's {@code proxy_cache_use_stale}. Empty ({@link #OFF}, written {@code off}) is the default:
 * a stale entry is only served when the answer itself allows it ({@code stale-if-error},
 * {@code stale-while-revalidate}).
 *
 * @param conditions the conditions written (kept as an unmodifiable {@link EnumSet}: in declaration order)
 */
public record StaleUse(Set<Condition> conditions) {
    /** What may make a stale entry be served. */
    public enum Condition {
        /** No member could be reached, or the exchange broke before the answer's head. */
        ERROR("error"),
        /** The member did not answer within {@code response_timeout}. */
        TIMEOUT("timeout"),
        /** The member answered with any status 500..599. */
        ANY_5XX("5xx"),
        HTTP_500("http_500"),
        HTTP_502("http_502"),
        HTTP_503("http_503"),
        HTTP_504("http_504"),
        /** The entry is being refreshed by another request: serve it stale meanwhile. */
        UPDATING("updating");

        private final String keyword;

        Condition(String keyword) {
            this.keyword = keyword;
        }

        /** The name as written in {@code cache_use_stale}. */
        public String keyword() {
            return keyword;
        }

        /** The condition written {@code keyword} (any case), or {@code null}. */
        public static Condition of(String keyword) {
            String k = keyword.toLowerCase(Locale.ROOT);
            for (Condition c : values()) {
                if (c.keyword.equals(k)) {
                    return c;
                }
            }
            return null;
        }
    }

    /** {@code cache_use_stale = off}, the default. */
    public static final StaleUse OFF = new StaleUse(Set.of());

    public StaleUse {
        EnumSet<Condition> copy = EnumSet.noneOf(Condition.class);
        copy.addAll(conditions);
        conditions = Collections.unmodifiableSet(copy);
    }

    /** A set of these conditions. */
    public static StaleUse of(Condition... conditions) {
        EnumSet<Condition> set = EnumSet.noneOf(Condition.class);
        Collections.addAll(set, conditions);
        return new StaleUse(set);
    }

    /** True for {@code off}: no condition. */
    public boolean isOff() {
        return conditions.isEmpty();
    }

    public boolean allows(Condition condition) {
        return conditions.contains(condition);
    }

    /** True when a member's answer with {@code status} lets a stale entry stand in ({@code 5xx}, {@code http_5NN}). */
    public boolean allowsStatus(int status) {
        if (status >= 500 && status <= 599 && conditions.contains(Condition.ANY_5XX)) {
            return true;
        }
        return switch (status) {
            case 500 -> conditions.contains(Condition.HTTP_500);
            case 502 -> conditions.contains(Condition.HTTP_502);
            case 503 -> conditions.contains(Condition.HTTP_503);
            case 504 -> conditions.contains(Condition.HTTP_504);
            default -> false;
        };
    }

    /** As written in the configuration, in a fixed order: {@code error timeout 5xx updating}, or {@code off}. */
    @Override
    public String toString() {
        if (conditions.isEmpty()) {
            return "off";
        }
        List<String> words = new ArrayList<>();
        conditions.forEach(c -> words.add(c.keyword()));
        return String.join(" ", words);
    }
}
