package io.gatehouse.upstream;

import io.gatehouse.upstream.balance.Picker;
import io.gatehouse.upstream.balance.RequestKey;
import io.gatehouse.upstream.balance.TriedMembers;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * A simulated load on a picker, in simulated time: {@code users} clients that each send a request, wait
 * for its answer and send the next one. Each request's member answers after {@link #latency} of that
 * member, counted by the attempt's start and end in its {@link MemberState} (so in-flight counts and
 * latency estimates are the real ones) and the injected clock moves to each answer in turn.
 */
final class ClosedLoop {
    private final Picker picker;
    private final AtomicLong clock;
    private final PriorityQueue<Pending> pending = new PriorityQueue<>();
    private long sequence;
    /** How long a member takes to answer now, in nanoseconds; a test may change it between runs. */
    ToLongFunction<MemberState> latency;
    /** How a member's attempt ends now ({@code OK}, or a timeout after its latency); a test may change it. */
    Function<MemberState, Outcome.Kind> ending = m -> Outcome.Kind.OK;

    private record Pending(long at, long seq, MemberState member, long took, Outcome.Kind kind) implements Comparable<Pending> {
        @Override
        public int compareTo(Pending o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    ClosedLoop(Picker picker, AtomicLong clock, ToLongFunction<MemberState> latency) {
        this.picker = picker;
        this.clock = clock;
        this.latency = latency;
    }

    /** Starts {@code users} clients' first requests. */
    ClosedLoop start(int users) {
        for (int i = 0; i < users; i++) {
            send();
        }
        return this;
    }

    /** Lets {@code requests} more requests be sent as answers come back; counts them by member. */
    Map<MemberState, Integer> run(int requests) {
        Map<MemberState, Integer> counts = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            answerNext();
            counts.merge(send(), 1, Integer::sum);
        }
        return counts;
    }

    /** Lets requests be sent as answers come back until the clock has moved {@code nanos} on; counts them by member. */
    Map<MemberState, Integer> runFor(long nanos) {
        long until = clock.get() + nanos;
        Map<MemberState, Integer> counts = new HashMap<>();
        while (pending.peek().at() <= until) {
            answerNext();
            counts.merge(send(), 1, Integer::sum);
        }
        return counts;
    }

    /** Answers every request still in flight. */
    void finish() {
        while (!pending.isEmpty()) {
            answerNext();
        }
    }

    private void answerNext() {
        Pending p = pending.poll();
        clock.set(Math.max(clock.get(), p.at()));
        p.member().record(p.kind(), p.kind() == Outcome.Kind.OK ? p.took() : -1, p.took(), clock.get());
    }

    private MemberState send() {
        MemberState m = picker.pick(RequestKey.NONE, TriedMembers.NONE);
        if (m == null || !m.tryStartAttempt(0)) {
            throw new AssertionError("no member for a request: " + m);
        }
        long took = latency.applyAsLong(m);
        pending.add(new Pending(clock.get() + took, sequence++, m, took, ending.apply(m)));
        return m;
    }
}
