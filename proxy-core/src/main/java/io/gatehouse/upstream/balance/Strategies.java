package io.gatehouse.upstream.balance;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The one place that maps a strategy name from {@code strategy = ...} to its implementation. */
public final class Strategies {
    private static final Map<String, BalancingStrategy> BY_NAME = Map.of(
            RoundRobinStrategy.NAME, new RoundRobinStrategy(),
            LeastConnStrategy.NAME, new LeastConnStrategy(),
            IpHashStrategy.NAME, new IpHashStrategy(),
            ConsistentHashStrategy.NAME, new ConsistentHashStrategy(),
            RandomTwoStrategy.NAME, new RandomTwoStrategy(),
            EwmaStrategy.NAME, new EwmaStrategy());

    private Strategies() {
    }

    public static Optional<BalancingStrategy> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name.toLowerCase(Locale.ROOT)));
    }

    /** Known names, sorted, for error messages. */
    public static Set<String> names() {
        return new TreeSet<>(BY_NAME.keySet());
    }
}
