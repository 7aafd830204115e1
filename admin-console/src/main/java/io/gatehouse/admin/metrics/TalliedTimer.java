package io.gatehouse.admin.metrics;

import com.codahale.metrics.Clock;
import com.codahale.metrics.Histogram;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A Dropwizard timer whose values are counted in {@link ThreadTallies}: recording one is a plain add
 * to the calling thread's stripe, and its count, rates and snapshot are read from the tallies by the
 * reporters, the console and {@code /stats.json} as from any timer.
 */
final class TalliedTimer extends com.codahale.metrics.Timer {
    private final TalliedReservoir reservoir;
    private final TalliedMeter meter;

    private TalliedTimer(TalliedMeter meter, TalliedReservoir reservoir) {
        super(meter, new Counted(reservoir), Clock.defaultClock());
        this.reservoir = reservoir;
        this.meter = meter;
    }

    /** A timer counted in {@code tallies}; {@code rates} and {@code reservoirs} receive what the sampler moves. */
    static TalliedTimer create(ThreadTallies tallies, int windowSamples,
            java.util.function.Consumer<SampledRates> rates, java.util.function.Consumer<TalliedReservoir> reservoirs) {
        TalliedReservoir reservoir = new TalliedReservoir(tallies, windowSamples);
        reservoirs.accept(reservoir);
        return new TalliedTimer(SampledRates.meter(tallies, reservoir.counter, reservoir.countBase, rates), reservoir);
    }

    /** Counts one latency of {@code millis} on the calling thread's stripe {@code s}. */
    void record(ThreadTallies.Stripe s, long millis) {
        reservoir.record(s, millis);
    }

    TalliedReservoir reservoir() {
        return reservoir;
    }

    /** Its rates, which the sampler moves. */
    SampledRates rates() {
        return meter.rates;
    }

    @Override
    public void update(long duration, TimeUnit unit) {
        if (duration >= 0) {
            reservoir.update(unit.toNanos(duration));
        }
    }

    @Override
    public void update(Duration duration) {
        update(duration.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public long getCount() {
        return reservoir.count();
    }

    /** The timer's histogram: its count is the tallies' count. */
    private static final class Counted extends Histogram {
        private final TalliedReservoir reservoir;

        Counted(TalliedReservoir reservoir) {
            super(reservoir);
            this.reservoir = reservoir;
        }

        @Override
        public void update(long value) {
            reservoir.update(value);
        }

        @Override
        public void update(int value) {
            update((long) value);
        }

        @Override
        public long getCount() {
            return reservoir.count();
        }
    }
}
