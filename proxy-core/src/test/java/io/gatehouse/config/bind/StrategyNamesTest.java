package io.gatehouse.config.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatehouse.upstream.balance.Strategies;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The names the binder accepts are exactly the strategies there are: none accepted and then run as another. */
class StrategyNamesTest {
    @Test
    void theBinderAcceptsExactlyTheStrategiesThatExist() {
        assertEquals(Strategies.names(), new TreeSet<>(ClusterSectionBinder.STRATEGIES));
    }
}
