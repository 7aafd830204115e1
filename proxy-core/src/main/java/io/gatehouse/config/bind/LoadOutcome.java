package io.gatehouse.config.bind;

import io.gatehouse.config.model.GatehouseConfig;
import java.util.List;
import java.util.Optional;

/**
 * What loading a {@code conf.d} directory gave: the configuration when there was no error, and every
 * problem (errors and warnings) sorted by file and line.
 */
public record LoadOutcome(Optional<GatehouseConfig> config, List<Problem> problems) {
    public LoadOutcome {
        problems = List.copyOf(problems);
        if (config.isPresent() && problems.stream().anyMatch(Problem::isError)) {
            throw new IllegalArgumentException("a configuration with errors is not a configuration");
        }
    }

    public boolean ok() {
        return config.isPresent();
    }
}
