package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.config.model.HealthCheckSpec;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.MemberPolicy;
import io.gatehouse.config.model.StatusRanges;
import io.gatehouse.upstream.health.CheckResult;
import io.gatehouse.upstream.health.MemberEvent;
import io.gatehouse.upstream.health.MemberEvents;
import io.gatehouse.upstream.health.MemberStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A member's health as one cluster sees it, driven by hand with a clock the test moves: passive
 * ejection as nginx's {@code max_fails}/{@code fail_timeout} and its one probe, active checks' rise and
 * fall, slow start, draining, the events and log lines each change makes, and the latency figures.
 */
class MemberStateHealthTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);
    private static final Clock WALL = Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneOffset.UTC);
    private static final HealthCheckSpec CHECK = new HealthCheckSpec("/health", Duration.ofSeconds(1),
            Duration.ofMillis(500), 2, 3, StatusRanges.OK_OR_REDIRECT, Optional.empty());

    /** The monotonic clock, moved by the test; counts its reads. */
    private long now = 1_000 * S;
    private int clockReads;
    private final LongSupplier clock = () -> {
        clockReads++;
        return now;
    };
    /** Follow-ups the state scheduled (the end of a ramp), run when the test says. */
    private final List<Runnable> timers = new ArrayList<>();
    private final List<MemberEvent> events = new ArrayList<>();
    private MemberEvents hub;
    private ListAppender<ILoggingEvent> logged;
    private Logger healthLog;

    @BeforeEach
    void listen() {
        hub = new MemberEvents(WALL, (delay, task) -> timers.add(task));
        hub.addListener(events::add);
        healthLog = (Logger) LoggerFactory.getLogger(MemberEvents.LOGGER);
        logged = new ListAppender<>();
        logged.start();
        healthLog.addAppender(logged);
    }

    @AfterEach
    void stopListening() {
        healthLog.detachAppender(logged);
    }

    private MemberState member(MemberPolicy policy, boolean sole) {
        MemberKey key = new MemberKey(false, new HostPort("10.0.0.3", 5000));
        MemberState state = new MemberState("api", new MemberEndpoint(key,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 5000), 1, 1), clock, hub);
        state.policy(policy, sole);
        return state;
    }

    private static MemberPolicy policy(int maxFails, Duration failTimeout, Optional<HealthCheckSpec> health,
                                       Duration slowStart) {
        MemberPolicy d = MemberPolicy.DEFAULTS;
        return new MemberPolicy(d.hashKey(), health, maxFails, failTimeout, d.failOn(), slowStart, d.retries(),
                d.retryBodyMax(), d.retryTimeout(), d.maxConnections(), d.maxQueue(), d.queueTimeout());
    }

    private static MemberPolicy passive(int maxFails) {
        return policy(maxFails, Duration.ofSeconds(10), Optional.empty(), Duration.ZERO);
    }

    /** One attempt that ends as {@code kind} now. */
    private void attempt(MemberState m, Outcome.Kind kind) {
        assertTrue(m.tryStartAttempt(0), "admitted");
        m.record(kind, kind == Outcome.Kind.OK ? 1_000_000 : -1, 2_000_000, now);
    }

    private void check(MemberState m, boolean ok, String reason) {
        m.checkResult(CHECK, new CheckResult(WALL.instant(), Duration.ofMillis(3), ok, reason));
    }

    private List<String> lines() {
        return logged.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    // ---- passive health

    @Test
    void maxFailsFaultsWithinFailTimeoutTakeTheMemberOutWithOneEventAndOneWarning() {
        MemberState m = member(passive(3), false);
        attempt(m, Outcome.Kind.CONNECT_FAILED);
        now += 4 * S;
        attempt(m, Outcome.Kind.HEAD_TIMEOUT);
        assertTrue(m.isUsable(), "two of three");
        now += 4 * S;
        attempt(m, Outcome.Kind.CONNECT_FAILED);
        assertFalse(m.isUsable());
        assertEquals(MemberStatus.DOWN, m.status(now));
        assertEquals(1, events.size());
        MemberEvent e = events.get(0);
        assertEquals(new MemberEvent("api", m.key(), MemberStatus.UP, MemberStatus.DOWN,
                "3 failures within 10s (connect() failed)", WALL.instant()), e);
        assertEquals(List.of("WARN member 10.0.0.3:5000 of @api down: 3 failures within 10s (connect() failed)"), lines());
        assertEquals("3 failures within 10s (connect() failed)", m.why());
        assertEquals(3, m.failures());
    }

    @Test
    void faultsFurtherApartThanFailTimeoutDoNotAddUp() {
        MemberState m = member(passive(2), false);
        attempt(m, Outcome.Kind.CONNECT_FAILED);
        now += 11 * S;
        attempt(m, Outcome.Kind.CONNECT_FAILED);
        assertTrue(m.isUsable(), "the first fault is older than fail_timeout");
        now += S;
        attempt(m, Outcome.Kind.BROKEN);
        assertFalse(m.isUsable());
    }

    @Test
    void aWholeAnswerForgetsTheFaultsCountedSoFar() {
        MemberState m = member(passive(2), false);
        attempt(m, Outcome.Kind.CONNECT_FAILED);
        attempt(m, Outcome.Kind.OK);
        attempt(m, Outcome.Kind.CONNECT_FAILED);
        assertTrue(m.isUsable());
        attempt(m, Outcome.Kind.FAIL_STATUS);
        assertFalse(m.isUsable(), "a fail_on status counts as a fault");
    }

    @Test
    void faultsThatAreNotTheMembersCountForNothing() {
        MemberState m = member(passive(1), false);
        attempt(m, Outcome.Kind.CANCELLED);
        attempt(m, Outcome.Kind.REQUEST_BODY_FAILED);
        attempt(m, Outcome.Kind.REQUEST_BODY_TIMEOUT);
        assertTrue(m.isUsable());
        assertEquals(List.of(), events);
    }

    @Test
    void afterFailTimeoutExactlyOneRequestProbesAndItsSuccessBringsTheMemberBack() {
        MemberState m = member(passive(1), false);
        attempt(m, Outcome.Kind.CONNECT_FAILED);
        now += 10 * S - 1;
        assertFalse(m.isUsable(), "out for fail_timeout");
        assertFalse(m.tryStartAttempt(0), "no request gets through before then");
        now += 1;
        assertTrue(m.isUsable(), "due for a probe");
        assertTrue(m.tryStartAttempt(0), "the probe");
        assertFalse(m.isUsable(), "one probe at a time");
        assertFalse(m.tryStartAttempt(0), "a second request is refused while the probe runs");
        assertEquals(1, m.active());
        m.record(Outcome.Kind.OK, 1_000, 2_000, now);
        assertTrue(m.isUsable());
        assertEquals(MemberStatus.UP, m.status(now));
        assertEquals(List.of(MemberStatus.DOWN, MemberStatus.UP), events.stream().map(MemberEvent::to).toList());
        assertEquals("INFO member 10.0.0.3:5000 of @api up: probe succeeded", lines().get(1));
    }

    @Test
    void aFailedProbeTakesTheMemberOutForAnotherFailTimeoutWithoutANewEvent() {
        MemberState m = member(passive(1), false);
        attempt(m, Outcome.Kind.CONNECT_FAILED);
        now += 10 * S;
        attempt(m, Outcome.Kind.CONNECT_TIMEOUT);
        assertFalse(m.isUsable());
        assertEquals(1, events.size(), "down it was, down it stays");
        assertTrue(m.why().startsWith("probe failed (connect() timed out)"), m.why());
        now += 10 * S - 1;
        assertFalse(m.isUsable());
        now += 1;
        assertTrue(m.isUsable(), "the next probe is due a fail_timeout after the failed one");
    }

    @Test
    void aProbeWhoseClientLeftLetsTheNextRequestProbe() {
        MemberState m = member(passive(1), false);
        attempt(m, Outcome.Kind.CONNECT_FAILED);
        now += 10 * S;
        attempt(m, Outcome.Kind.CANCELLED);
        assertTrue(m.isUsable());
        assertTrue(m.tryStartAttempt(0));
        assertFalse(m.tryStartAttempt(0));
    }

    @Test
    void aClustersOnlyMemberIsNeverTakenOutNorWithMaxFailsZero() {
        MemberState only = member(passive(1), true);
        MemberState never = member(passive(0), false);
        for (int i = 0; i < 20; i++) {
            attempt(only, Outcome.Kind.CONNECT_FAILED);
            attempt(never, Outcome.Kind.CONNECT_FAILED);
        }
        assertTrue(only.isUsable());
        assertTrue(never.isUsable());
        assertEquals(List.of(), events);
        assertEquals(20, only.failures(), "the faults are still counted");
    }

    @Test
    void aHealthyMemberReadsNoClockToBePickedAdmittedAndRecorded() {
        MemberState m = member(passive(1), false);
        clockReads = 0;
        for (int i = 0; i < 100; i++) {
            assertTrue(m.isUsable());
            assertTrue(m.tryStartAttempt(0));
            m.record(Outcome.Kind.OK, 1_000, 2_000, now);
            assertEquals(1.0, m.weightFactor(now));
        }
        assertEquals(0, clockReads);
    }

    // ---- active checks

    @Test
    void aCheckingMemberIsUsableAndItsFirstFailedCheckTakesItDownAtOnce() {
        MemberState m = member(policy(1, Duration.ofSeconds(10), Optional.of(CHECK), Duration.ZERO), false);
        assertEquals(MemberStatus.CHECKING, m.status(now));
        assertTrue(m.isUsable());
        assertEquals(List.of(), events, "a member of the first generation starts checking without an event");
        check(m, false, "connect() refused");
        assertFalse(m.isUsable());
        assertEquals(List.of("WARN member 10.0.0.3:5000 of @api down: 1 check failed (connect() refused)"), lines());
        assertEquals(MemberStatus.CHECKING, events.get(0).from());
    }

    @Test
    void fallFailuresInARowTakeItDownAndRisePassesBringItBack() {
        MemberState m = member(policy(1, Duration.ofSeconds(10), Optional.of(CHECK), Duration.ZERO), false);
        check(m, true, "status 200");
        assertEquals(MemberStatus.UP, m.status(now));
        check(m, false, "status 503");
        check(m, false, "status 503");
        check(m, true, "status 200");
        check(m, false, "status 503");
        check(m, false, "status 503");
        assertTrue(m.isUsable(), "a pass in between starts the count again");
        check(m, false, "connect() refused");
        assertFalse(m.isUsable(), "fall = 3");
        check(m, true, "status 200");
        check(m, false, "connect() refused");
        check(m, true, "status 200");
        assertFalse(m.isUsable(), "rise = 2 in a row");
        check(m, true, "status 200");
        assertTrue(m.isUsable());
        assertEquals(List.of(
                "INFO member 10.0.0.3:5000 of @api up: 1 check passed",
                "WARN member 10.0.0.3:5000 of @api down: 3 checks failed (connect() refused)",
                "INFO member 10.0.0.3:5000 of @api up: 2 checks passed"), lines());
        assertEquals(3, events.size());
        assertEquals("status 200", m.lastCheck().reason());
        assertEquals(0, m.requests(), "checks are not traffic");
    }

    @Test
    void withChecksOnAPassivelyEjectedMemberReturnsOnlyAfterRiseGoodChecks() {
        MemberState m = member(policy(1, Duration.ofSeconds(10), Optional.of(CHECK), Duration.ZERO), false);
        check(m, true, "status 200");
        attempt(m, Outcome.Kind.CONNECT_FAILED);
        assertFalse(m.isUsable());
        now += 60 * S;
        assertFalse(m.isUsable(), "no probe: the checks decide");
        assertFalse(m.tryStartAttempt(0));
        check(m, true, "status 200");
        assertFalse(m.isUsable());
        check(m, true, "status 200");
        assertTrue(m.isUsable());
        assertEquals("2 checks passed", events.get(events.size() - 1).reason());
    }

    @Test
    void aCheckOfSettingsTheClusterNoLongerHasOnlyLeavesItsResult() {
        MemberState m = member(policy(1, Duration.ofSeconds(10), Optional.of(CHECK), Duration.ZERO), false);
        HealthCheckSpec other = HealthCheckSpec.of("/other");
        m.checkResult(other, new CheckResult(WALL.instant(), Duration.ZERO, false, "status 500"));
        assertTrue(m.isUsable());
        assertEquals("status 500", m.lastCheck().reason());
    }

    @Test
    void turningChecksOnByAReloadPutsAnUpMemberInCheckingAndOffForgetsTheirVerdict() {
        MemberState m = member(passive(1), false);
        m.policy(policy(1, Duration.ofSeconds(10), Optional.of(CHECK), Duration.ZERO), false);
        assertEquals(MemberStatus.CHECKING, m.status(now));
        check(m, false, "connect() refused");
        assertFalse(m.isUsable());
        m.policy(passive(1), false);
        assertTrue(m.isUsable());
        assertEquals(List.of("INFO member 10.0.0.3:5000 of @api checking: health checks turned on",
                "WARN member 10.0.0.3:5000 of @api down: 1 check failed (connect() refused)",
                "INFO member 10.0.0.3:5000 of @api up: health checks turned off"), lines());
    }

    // ---- slow start

    @Test
    void aMemberThatComesBackRampsFromFivePercentToItsFullWeightOverSlowStart() {
        MemberState m = member(policy(1, Duration.ofSeconds(10), Optional.of(CHECK), Duration.ofSeconds(30)), false);
        assertEquals(1.0, m.weightFactor(now), "no ramp at the start");
        check(m, false, "connect() refused");
        check(m, true, "status 200");
        check(m, true, "status 200");
        assertTrue(m.isUsable());
        assertEquals(MemberStatus.SLOW_START, m.status(now));
        assertEquals(0.05, m.weightFactor(now), 1e-9, "at least 5 % at once");
        assertEquals(0.05, m.weightFactor(now + S), 1e-9);
        assertEquals(0.5, m.weightFactor(now + 15 * S), 1e-9);
        assertEquals(0.9, m.weightFactor(now + 27 * S), 1e-9);
        assertEquals(1.0, m.weightFactor(now + 30 * S));
        assertEquals("INFO member 10.0.0.3:5000 of @api slow_start: 2 checks passed", lines().get(1));
        now += 30 * S;
        assertEquals(MemberStatus.UP, m.status(now));
        assertEquals(1, timers.size());
        timers.remove(0).run();
        assertEquals("INFO member 10.0.0.3:5000 of @api up: slow start over, at full weight", lines().get(2));
        assertEquals(1.0, m.weightFactor(now));
    }

    @Test
    void aProbeThatSucceedsRampsToo() {
        MemberState m = member(policy(1, Duration.ofSeconds(10), Optional.empty(), Duration.ofSeconds(20)), false);
        attempt(m, Outcome.Kind.CONNECT_FAILED);
        now += 10 * S;
        attempt(m, Outcome.Kind.OK);
        assertEquals(MemberStatus.SLOW_START, m.status(now));
        assertEquals(0.25, m.weightFactor(now + 5 * S), 1e-9);
    }

    @Test
    void aMemberAReloadAddsRampsAndOneOfTheFirstGenerationDoesNot() {
        MemberState first = member(policy(1, Duration.ofSeconds(10), Optional.empty(), Duration.ofSeconds(30)), false);
        assertEquals(1.0, first.weightFactor(now));
        MemberState added = member(policy(1, Duration.ofSeconds(10), Optional.empty(), Duration.ofSeconds(30)), false);
        added.addedByReload();
        assertEquals(0.05, added.weightFactor(now), 1e-9);
        assertEquals(MemberStatus.SLOW_START, added.status(now));
        assertEquals("INFO member 10.0.0.3:5000 of @api slow_start: added by a reload", lines().get(0));
    }

    // ---- draining

    @Test
    void aDrainedMemberTakesNoNewRequestButTheOneInFlightFinishesAndUndrainingRamps() {
        MemberState m = member(policy(1, Duration.ofSeconds(10), Optional.empty(), Duration.ofSeconds(10)), false);
        assertTrue(m.tryStartAttempt(0));
        m.setDraining(true);
        m.setDraining(true);
        assertFalse(m.isUsable());
        assertTrue(m.isDraining());
        assertEquals(MemberStatus.DRAINING, m.status(now));
        assertEquals(1, m.active());
        m.record(Outcome.Kind.OK, 1_000, 2_000, now);
        assertEquals(0, m.active());
        assertEquals(1, m.outcomes(Outcome.Kind.OK));
        assertFalse(m.isUsable(), "still drained");
        m.setDraining(false);
        assertTrue(m.isUsable());
        assertEquals(MemberStatus.SLOW_START, m.status(now));
        assertEquals(List.of("INFO member 10.0.0.3:5000 of @api draining",
                "INFO member 10.0.0.3:5000 of @api slow_start: drain cleared"), lines());
    }

    @Test
    void aListenerThatThrowsIsLoggedAndTheOthersStillHear() {
        List<MemberEvent> second = new ArrayList<>();
        hub.addListener(e -> {
            throw new IllegalStateException("boom");
        });
        hub.addListener(second::add);
        MemberState m = member(passive(1), false);
        m.setDraining(true);
        assertEquals(1, events.size());
        assertEquals(1, second.size());
        assertTrue(lines().get(1).startsWith("WARN a listener of member changes failed"), lines().toString());
    }

    // ---- latency for the view

    @Test
    void averageAndP99OfRecentAnswersWithinTheHistogramsResolution() {
        MemberState m = member(passive(1), false);
        assertEquals(-1, m.latencyAverageNanos(now));
        assertEquals(-1, m.latencyP99Nanos(now));
        for (int i = 1; i <= 1000; i++) {
            assertTrue(m.tryStartAttempt(0));
            m.record(Outcome.Kind.OK, 1_000, TimeUnit.MILLISECONDS.toNanos(i <= 990 ? 10 : 500), now);
        }
        double avg = m.latencyAverageNanos(now) / 1e6;
        assertEquals(0.99 * 10 + 0.01 * 500, avg, 0.01, "the average is exact (sums, not buckets)");
        double p99 = m.latencyP99Nanos(now) / 1e6;
        assertTrue(p99 >= 10 * 0.875 && p99 <= 10 * 1.125, "p99 " + p99 + " ms");
        // One more answer tips the 99th percentile into the slow ones.
        for (int i = 0; i < 20; i++) {
            assertTrue(m.tryStartAttempt(0));
            m.record(Outcome.Kind.OK, 1_000, TimeUnit.MILLISECONDS.toNanos(500), now + 30 * S);
        }
        p99 = m.latencyP99Nanos(now + 30 * S) / 1e6;
        assertTrue(p99 >= 500 * 0.875 && p99 <= 500 * 1.125, "p99 " + p99 + " ms");
        assertTrue(m.latencyP99Nanos(now + 200 * S) < 0, "two minutes later nothing is recent");
        assertNull(m.lastCheck());
    }
}
