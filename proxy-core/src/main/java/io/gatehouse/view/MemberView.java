package io.gatehouse.view;

import io.gatehouse.upstream.health.CheckResult;
import io.gatehouse.upstream.health.MemberStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One member of one cluster in a {@link PoolSnapshot}.
 *
 * @param address         {@code host:port} as written in the configuration
 * @param state           {@code up}, {@code down}, {@code checking}, {@code slow_start}, {@code backup}
 *                        (a usable member listed as {@code backup}) or {@code draining}; {@code down} also
 *                        for a member written {@code down}
 * @param why             why it is in that state ({@code 3 checks failed (connect() refused)},
 *                        {@code 1 failure within 10s (connect() failed)}, {@code written down in the
 *                        configuration}); empty for a member that has been up all along
 * @param since           when it entered that state (or the view first knew it)
 * @param lastCheck       the last active check's result (time, latency, verdict, reason), if checks ran
 * @param weight          its {@code weight} in this generation
 * @param effectiveWeight what the balancer gives it now: weight × the slow-start share, 0 when not usable
 * @param inFlight        requests to it in flight for this cluster
 * @param requests        attempts made with it for this cluster since it was added
 * @param failures        those that ended its fault (connect failures, timeouts, broken answers, {@code fail_on})
 * @param latencyAverage  the average time to the answer's end over the last one to two minutes, if any came
 * @param latencyP99      the 99th percentile of those times (within 12.5 %), if any came
 */
public record MemberView(String address, MemberStatus state, String why, Instant since, Optional<CheckResult> lastCheck,
                         int weight, double effectiveWeight, int inFlight, long requests, long failures,
                         Optional<Duration> latencyAverage, Optional<Duration> latencyP99) {
    public MemberView {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(why, "why");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(lastCheck, "lastCheck");
        Objects.requireNonNull(latencyAverage, "latencyAverage");
        Objects.requireNonNull(latencyP99, "latencyP99");
    }
}
