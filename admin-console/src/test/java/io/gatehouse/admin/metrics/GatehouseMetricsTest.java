package io.gatehouse.admin.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Timer;
import io.gatehouse.admin.StatsSource.TrafficPoint;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.log.RequestLogRecord;
import io.gatehouse.runtime.ReloadOutcome;
import io.gatehouse.server.edge.EdgeRefusals;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class GatehouseMetricsTest {
    private final AtomicLong nanos = new AtomicLong();
    private final GatehouseMetrics metrics = new GatehouseMetrics(
            Clock.fixed(Instant.parse("2026-12-03T13:00:00Z"), ZoneOffset.UTC), nanos::get);

    private static RequestLogRecord record(int status, long ms, String cluster, String member) {
        return new RequestLogRecord(LocalDateTime.of(2026, 12, 3, 13, 0), "127.0.0.1:40000", "a.test", "GET", "/",
                "HTTP/1.1", status, 10, 100, "g", 1, null, null, null, ms, 0, cluster, member, member == null ? 0 : 1);
    }

    private Timer timer(String name) {
        Timer t = metrics.registry().getTimers().get(name);
        assertTrue(t != null, name + " is registered");
        return t;
    }

    @Test
    void aRequestCountsOnceForItsListenerClusterMemberStatusClassAndBytes() {
        Consumer<RequestLogRecord> listener = metrics.listener(new HostPort("127.0.0.1", 5000));
        listener.accept(record(200, 3, "app", "127.0.0.1:8081"));
        listener.accept(record(503, 4, "app", null));
        metrics.record(record(301, 1, null, null));

        assertEquals(3, timer("requests").getCount());
        assertEquals(2, timer("listener.127.0.0.1:5000.requests").getCount());
        assertEquals(2, timer("cluster.app.requests").getCount());
        assertEquals(1, timer("member.app.127.0.0.1:8081.requests").getCount());
        assertEquals(1, metrics.registry().getMeters().get("responses.2xx").getCount());
        assertEquals(1, metrics.registry().getMeters().get("responses.3xx").getCount());
        assertEquals(1, metrics.registry().getMeters().get("responses.5xx").getCount());
        assertEquals(0, metrics.registry().getMeters().get("responses.4xx").getCount());
        assertEquals(30, metrics.registry().getMeters().get("bytes.in").getCount());
        assertEquals(300, metrics.registry().getMeters().get("bytes.out").getCount());
    }

    @Test
    void timersShowTheLatencyOnceSampledAndKeepShowingIt() {
        for (int i = 1; i <= 100; i++) {
            metrics.record(record(200, i, "app", "m:1"));
        }
        assertEquals(0, timer("cluster.app.requests").getSnapshot().size(), "not sampled yet");
        metrics.sample();
        for (int read = 0; read < 3; read++) {
            double p99 = timer("cluster.app.requests").getSnapshot().get99thPercentile();
            assertEquals(TimeUnit.MILLISECONDS.toNanos(99), p99, TimeUnit.MILLISECONDS.toNanos(1));
        }
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(5));
        metrics.sample();
        assertEquals(100, timer("member.app.m:1.requests").getSnapshot().size(), "an empty interval keeps the window");
    }

    @Test
    void theSeriesHasOnePointPerSampleWithRequestsP99AndErrorsPerSecond() {
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(5));
        for (int i = 0; i < 10; i++) {
            metrics.record(record(i < 5 ? 200 : 502, 20, null, null));
        }
        metrics.sample();
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(5));
        metrics.sample();
        List<TrafficPoint> series = metrics.series();
        assertEquals(2, series.size());
        assertEquals(2.0, series.get(0).requestsPerSecond(), 1e-9);
        assertEquals(1.0, series.get(0).errorsPerSecond(), 1e-9);
        assertEquals(20.0, series.get(0).p99Millis(), 0.2);
        assertEquals(0.0, series.get(1).requestsPerSecond(), 1e-9);
        assertEquals(0.0, series.get(1).p99Millis(), 1e-9);
    }

    @Test
    void ratesMoveAtEachSampleFromWhatWasCountedSinceTheLast() {
        for (int i = 0; i < 50; i++) {
            metrics.record(record(200, 1, "app", "m:1"));
        }
        assertEquals(0.0, timer("requests").getOneMinuteRate(), 1e-9, "no rate before a sample");
        metrics.sample();
        // 50 in one 5-second tick: 10 per second, for the timers and the meters alike
        assertEquals(10.0, timer("requests").getOneMinuteRate(), 1e-9);
        assertEquals(10.0, timer("member.app.m:1.requests").getFifteenMinuteRate(), 1e-9);
        assertEquals(10.0, metrics.registry().getMeters().get("responses.2xx").getFiveMinuteRate(), 1e-9);
        metrics.sample();
        double decayed = timer("requests").getOneMinuteRate();
        assertTrue(decayed < 10.0 && decayed > 8.0, "a quiet tick decays the one-minute rate: " + decayed);
    }

    @Test
    void theSeriesKeepsFifteenMinutes() {
        int kept = (int) (GatehouseMetrics.SERIES_SPAN.toSeconds() / GatehouseMetrics.INTERVAL.toSeconds());
        for (int i = 0; i < kept + 7; i++) {
            nanos.addAndGet(TimeUnit.SECONDS.toNanos(5));
            metrics.sample();
        }
        assertEquals(kept, metrics.series().size());
    }

    @Test
    void reloadsAreCountedAppliedOrRefused() {
        Instant at = Instant.parse("2026-12-03T13:00:00Z");
        metrics.reloaded(new ReloadOutcome(1, at, "watch", true, 2, List.of(), List.of(), List.of()));
        metrics.reloaded(new ReloadOutcome(2, at, "SIGHUP", false, 2, List.of("a.conf:1: bad"), List.of(), List.of()));
        metrics.reloaded(new ReloadOutcome(3, at, "jmx:admin", false, 2, List.of("a.conf:1: bad"), List.of(), List.of()));
        assertEquals(1, metrics.registry().getCounters().get("reloads.applied").getCount());
        assertEquals(2, metrics.registry().getCounters().get("reloads.refused").getCount());
        assertEquals("jmx:admin", metrics.lastReload().orElseThrow().trigger());
    }

    @Test
    void statsJsonHoldsEveryKindOfMetric() {
        metrics.edgeRefusals(new EdgeRefusals());
        metrics.inFlight(() -> 3);
        metrics.record(record(200, 12, "app", "m:1"));
        metrics.sample();
        String json = metrics.statsJson();
        assertTrue(json.startsWith("{\"at\":\"2026-12-03T13:00:00Z\",\"interval_seconds\":5,"), json);
        assertTrue(json.contains("\"reloads.applied\":0"), json);
        assertTrue(json.contains("\"requests.in_flight\":3"), json);
        assertTrue(json.contains("\"edge.refused.bare_lf\":0"), json);
        assertTrue(json.contains("\"responses.2xx\":{\"count\":1,"), json);
        assertTrue(json.contains("\"cluster.app.requests\":{\"count\":1,"), json);
        assertTrue(json.matches(".*\"requests\":\\{\"count\":1,.*\"p99\":12\\.\\d+,.*"), json);
    }

    @Test
    void recordingARequestAllocatesNothingOnceItsNamesAreKnown() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Consumer<RequestLogRecord> listener = metrics.listener(new HostPort("127.0.0.1", 5000));
        RequestLogRecord[] records = {
            record(200, 3, "app", "127.0.0.1:8081"), record(404, 0, null, null),
            record(502, 30, "app", "127.0.0.1:8082"), record(200, 700, "api", "127.0.0.1:8083")};
        for (int i = 0; i < 50_000; i++) {
            listener.accept(records[i & 3]);
        }
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) {
            listener.accept(records[i & 3]);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        // the measuring itself may take a few hundred bytes; one object per recording would be 160,000 or more
        assertTrue(allocated < 10_000, allocated + " bytes allocated by 10,000 recordings");
    }

    private boolean registered(String name) {
        return metrics.registry().getTimers().containsKey(name);
    }

    @Test
    void aPoolWithoutAClusterOrMemberRemovesTheirTimersAndANewOneCountsFromZeroOnTheirNumbers() {
        metrics.prepare(TestPools.pool("app=127.0.0.1:8081,127.0.0.1:8082", "api=127.0.0.1:8083"));
        int sampled = metrics.sampled();
        for (int i = 0; i < 5; i++) {
            metrics.record(record(200, 3, "app", "127.0.0.1:8082"));
        }
        metrics.record(record(200, 3, "app", "127.0.0.1:8081"));
        metrics.record(record(200, 3, "api", "127.0.0.1:8083"));
        TalliedTimer removed = (TalliedTimer) timer("member.app.127.0.0.1:8082.requests");

        metrics.prepare(TestPools.pool("app=127.0.0.1:8081"));
        assertFalse(registered("member.app.127.0.0.1:8082.requests"));
        assertFalse(registered("cluster.api.requests"));
        assertFalse(registered("member.api.127.0.0.1:8083.requests"));
        assertEquals(1, timer("member.app.127.0.0.1:8081.requests").getCount(), "what stays keeps its counts");
        assertEquals(6, timer("cluster.app.requests").getCount());
        assertEquals(sampled - 3, metrics.sampled(), "the sampler lets the removed timers go");

        metrics.record(record(200, 3, "app", "127.0.0.1:8082"));
        metrics.record(record(200, 3, "api", "127.0.0.1:8083"));
        assertFalse(registered("member.app.127.0.0.1:8082.requests"), "a request of the old pool ending late");
        assertFalse(registered("cluster.api.requests"));
        assertEquals(9, timer("requests").getCount(), "still counts in the totals");

        metrics.sample();
        metrics.prepare(TestPools.pool("app=127.0.0.1:8081,127.0.0.1:8084"));
        TalliedTimer early = (TalliedTimer) timer("member.app.127.0.0.1:8084.requests");
        assertNotEquals(removed.reservoir().timer, early.reservoir().timer, "numbers rest before they are taken again");

        nanos.addAndGet(GatehouseMetrics.RETIRED_REST.toNanos());
        metrics.sample();
        metrics.prepare(TestPools.pool("app=127.0.0.1:8081,127.0.0.1:8085"));
        TalliedTimer added = (TalliedTimer) timer("member.app.127.0.0.1:8085.requests");
        assertEquals(removed.reservoir().timer, added.reservoir().timer, "a rested number is taken again");
        assertEquals(removed.reservoir().counter, added.reservoir().counter);
        assertEquals(0, added.getCount(), "from zero, not from the six the number counted before");
        assertEquals(0, added.getSnapshot().size());
        metrics.record(record(200, 700, "app", "127.0.0.1:8085"));
        metrics.sample();
        assertEquals(1, added.getCount());
        assertEquals(1, added.reservoir().lastIntervalCount(), "its distribution has its one request only");
        assertEquals(700, TimeUnit.NANOSECONDS.toMillis(added.getSnapshot().getMax()), 10);
    }

    @Test
    void thePoolsClustersAndMembersGetTheirTimersBeforeAnyRequest() {
        metrics.prepare(TestPools.pool("app=127.0.0.1:8081"));
        assertEquals(0, timer("cluster.app.requests").getCount());
        assertEquals(0, timer("member.app.127.0.0.1:8081.requests").getCount());
    }

    @Test
    void aListenerNotInServiceLosesItsTimerAndOneAddedBackCountsFromZero() {
        HostPort kept = new HostPort("127.0.0.1", 5000);
        HostPort dropped = new HostPort("127.0.0.1", 5001);
        Consumer<RequestLogRecord> keptListener = metrics.listener(kept);
        Consumer<RequestLogRecord> droppedListener = metrics.listener(dropped);
        metrics.listeners(Set.of(kept, dropped));
        keptListener.accept(record(200, 3, null, null));
        droppedListener.accept(record(200, 3, null, null));
        droppedListener.accept(record(200, 3, null, null));
        int sampled = metrics.sampled();

        metrics.listeners(Set.of(kept));   // a reload without the second listener put in service
        assertFalse(registered("listener.127.0.0.1:5001.requests"));
        assertEquals(1, timer("listener.127.0.0.1:5000.requests").getCount(), "the listener kept keeps its counts");
        assertEquals(sampled - 1, metrics.sampled(), "the sampler lets the removed timer go");

        droppedListener.accept(record(200, 3, null, null));   // a request of the old generation ending late
        assertFalse(registered("listener.127.0.0.1:5001.requests"));
        assertEquals(4, timer("requests").getCount(), "still counts in the totals");

        Consumer<RequestLogRecord> again = metrics.listener(dropped);   // a later reload adds it back
        metrics.listeners(Set.of(kept, dropped));
        assertEquals(0, timer("listener.127.0.0.1:5001.requests").getCount(), "from zero");
        again.accept(record(200, 3, null, null));
        assertEquals(1, timer("listener.127.0.0.1:5001.requests").getCount());
        assertEquals(1, timer("listener.127.0.0.1:5000.requests").getCount());
    }

    @Test
    void aListenerBuiltForTheSameBindAgainSharesItsTimer() {
        HostPort bind = new HostPort("127.0.0.1", 5000);
        Consumer<RequestLogRecord> first = metrics.listener(bind);
        Consumer<RequestLogRecord> rebuilt = metrics.listener(bind);   // the next generation's chain
        metrics.listeners(Set.of(bind));
        first.accept(record(200, 3, null, null));
        rebuilt.accept(record(200, 3, null, null));
        assertEquals(2, timer("listener.127.0.0.1:5000.requests").getCount());
    }
}
