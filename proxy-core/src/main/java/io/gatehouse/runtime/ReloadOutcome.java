package io.gatehouse.runtime;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one reload of {@code conf.d} did: applied (the new generation serves new requests) or refused
 * whole (the previous generation keeps serving), with every problem as {@code file:line: message}.
 *
 * @param attempt        the number of this reload attempt since start (1, 2, ...)
 * @param at             when it finished
 * @param trigger        what asked for it: {@code watch}, {@code SIGHUP}, {@code console:USER}, {@code jmx:USER}...
 * @param applied        true when the new configuration is in service
 * @param generation     the generation serving after it (unchanged when refused)
 * @param errors         why it was refused; empty when applied
 * @param warnings       warnings of the load and build, which do not stop a reload
 * @param restartNeeded  settings that changed but take effect only at the next restart ({@code processes}...)
 */
public record ReloadOutcome(long attempt, Instant at, String trigger, boolean applied, long generation,
                            List<String> errors, List<String> warnings, List<String> restartNeeded) {
    public ReloadOutcome {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(trigger, "trigger");
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        restartNeeded = List.copyOf(restartNeeded);
    }
}
