package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.server.edge.ManualTimers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ResponseDeadlinesTest {
    private final ManualTimers timers = new ManualTimers();
    private final ResponseDeadlines deadlines = new ResponseDeadlines(1000, timers, timers);
    private final List<String> expired = new ArrayList<>();

    private final class Request extends ResponseDeadlines.Entry {
        final String name;

        Request(String name) {
            this.name = name;
        }

        @Override
        void expired() {
            expired.add(name);
        }
    }

    private void advanceMillis(long millis) {
        timers.advance(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void aClockRunsOutAfterTheTimeoutAndNotBefore() {
        deadlines.start(new Request("a"));
        advanceMillis(999);
        assertEquals(List.of(), expired);
        advanceMillis(1);
        assertEquals(List.of("a"), expired);
        assertEquals(0, deadlines.running());
        assertEquals(0, timers.pending(), "no timer is left armed for an empty list");
    }

    @Test
    void clocksRunOutInTheOrderTheyStartedWithOneTimerForAll() {
        Request a = new Request("a");
        Request b = new Request("b");
        Request c = new Request("c");
        deadlines.start(a);
        advanceMillis(100);
        deadlines.start(b);
        advanceMillis(100);
        deadlines.start(c);
        assertEquals(1, timers.pending(), "one timer, however many clocks run");
        advanceMillis(800);
        assertEquals(List.of("a"), expired);
        advanceMillis(100);
        assertEquals(List.of("a", "b"), expired);
        advanceMillis(100);
        assertEquals(List.of("a", "b", "c"), expired);
    }

    @Test
    void aStoppedClockNeverRunsOutWhereverItIsInTheList() {
        Request a = new Request("a");
        Request b = new Request("b");
        Request c = new Request("c");
        deadlines.start(a);
        deadlines.start(b);
        deadlines.start(c);
        ResponseDeadlines.stop(b);
        ResponseDeadlines.stop(a);
        ResponseDeadlines.stop(a); // twice is harmless
        assertEquals(1, deadlines.running());
        advanceMillis(1000);
        assertEquals(List.of("c"), expired);
    }

    @Test
    void aRestartedClockCountsFromTheRestart() {
        Request a = new Request("a");
        Request b = new Request("b");
        deadlines.start(a);
        deadlines.start(b);
        advanceMillis(600);
        deadlines.start(a); // the body took 600 ms to upload: a's member gets its full second from now
        advanceMillis(400);
        assertEquals(List.of("b"), expired);
        advanceMillis(599);
        assertEquals(List.of("b"), expired);
        advanceMillis(1);
        assertEquals(List.of("b", "a"), expired);
    }

    @Test
    void aClockStartedWhileOthersRunOutJoinsTheEnd() {
        List<Request> started = new ArrayList<>();
        ResponseDeadlines.Entry first = new ResponseDeadlines.Entry() {
            @Override
            void expired() {
                expired.add("first");
                Request next = new Request("next");
                started.add(next);
                deadlines.start(next); // a pipelined request that follows the one answered 504
            }
        };
        deadlines.start(first);
        advanceMillis(1000);
        assertEquals(List.of("first"), expired);
        assertEquals(1, deadlines.running());
        assertEquals(1, timers.pending());
        advanceMillis(1000);
        assertEquals(List.of("first", "next"), expired);
        assertTrue(started.size() == 1 && timers.pending() == 0);
    }
}
