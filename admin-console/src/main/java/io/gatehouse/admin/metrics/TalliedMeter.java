package io.gatehouse.admin.metrics;

import com.codahale.metrics.Clock;
import com.codahale.metrics.Meter;

/**
 * A Dropwizard meter counted in {@link ThreadTallies}: marking is a plain add to the calling thread's
 * stripe, its count is the stripes' sum, and its rates are {@link SampledRates} moved by the sampler.
 */
final class TalliedMeter extends Meter {
    private final ThreadTallies tallies;
    /** The meter's counter in the tallies. */
    final int counter;
    /** What the counter held when this meter took it (a number given back by a removed timer). */
    private final long base;
    /** Its rates, which the sampler moves. */
    final SampledRates rates;

    TalliedMeter(SampledRates rates, ThreadTallies tallies, int counter, long base) {
        super(rates, Clock.defaultClock());
        this.tallies = tallies;
        this.counter = counter;
        this.base = base;
        this.rates = rates;
    }

    /** Adds {@code n} on the calling thread's stripe {@code s}. */
    void mark(ThreadTallies.Stripe s, long n) {
        s.add(counter, n);
    }

    @Override
    public void mark() {
        mark(1);
    }

    @Override
    public void mark(long n) {
        tallies.stripe().add(counter, n);
    }

    @Override
    public long getCount() {
        return tallies.sum(counter) - base;
    }
}
