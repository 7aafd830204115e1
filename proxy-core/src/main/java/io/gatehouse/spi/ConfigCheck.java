package io.gatehouse.spi;

import io.gatehouse.config.bind.Problem;
import io.gatehouse.config.model.GatehouseConfig;
import java.util.List;

/**
 * A check of a bound configuration that needs another module's knowledge (whether a certificate matches
 * its key, whether an address block parses, whether a JWT key is long enough). Core never depends on
 * those modules: the application passes their checks to {@code ConfLoader.load}, which runs them on every
 * configuration without an error of its own, so {@code gatehouse check}, the start and a reload all
 * report the same problems at the same {@code file:line}.
 *
 * <p>A check runs while the directory is loaded, never on an IO thread; it may read files.
 */
@FunctionalInterface
public interface ConfigCheck {
    /** Every problem of {@code config} this check knows of; errors refuse the configuration. */
    List<Problem> check(GatehouseConfig config);
}
