package io.gatehouse.admin.metrics;

import com.codahale.metrics.EWMA;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MovingAverages;
import java.util.concurrent.TimeUnit;

/**
 * A meter's one-, five- and fifteen-minute rates, moved by the sampler from the meter's count rather
 * than on every mark, so that marking a request costs one plain add ({@link TalliedMeter}). Dropwizard's
 * own moving averages add to three more counters and read the clock on every mark; here {@link #sample} feeds the
 * count's growth since the last sample to the same exponentially weighted averages once per
 * {@link GatehouseMetrics#INTERVAL}, which is the 5-second tick those averages are made for.
 */
final class SampledRates implements MovingAverages {
    private final EWMA m1 = EWMA.oneMinuteEWMA();
    private final EWMA m5 = EWMA.fiveMinuteEWMA();
    private final EWMA m15 = EWMA.fifteenMinuteEWMA();
    private Meter meter;
    private long last;

    private SampledRates() {
    }

    /**
     * A meter counted in {@code tallies} under {@code counter} whose rates the sampler moves;
     * {@code rates} receives its {@link SampledRates}.
     */
    static TalliedMeter meter(ThreadTallies tallies, int counter, java.util.function.Consumer<SampledRates> rates) {
        return meter(tallies, counter, 0, rates);
    }

    /** As {@link #meter(ThreadTallies, int, java.util.function.Consumer)}, counting from {@code base}. */
    static TalliedMeter meter(ThreadTallies tallies, int counter, long base,
            java.util.function.Consumer<SampledRates> rates) {
        SampledRates r = new SampledRates();
        TalliedMeter m = new TalliedMeter(r, tallies, counter, base);
        r.meter = m;
        rates.accept(r);
        return m;
    }

    /** One tick: what the meter counted since the last one. The sampler thread only. */
    void sample() {
        long count = meter.getCount();
        long added = count - last;
        last = count;
        tick(m1, added);
        tick(m5, added);
        tick(m15, added);
    }

    private static void tick(EWMA average, long added) {
        average.update(added);
        average.tick();
    }

    @Override
    public void tickIfNecessary() {
        // moved by sample()
    }

    @Override
    public void update(long n) {
        // counted by the meter itself; sample() reads it
    }

    @Override
    public double getM1Rate() {
        return m1.getRate(TimeUnit.SECONDS);
    }

    @Override
    public double getM5Rate() {
        return m5.getRate(TimeUnit.SECONDS);
    }

    @Override
    public double getM15Rate() {
        return m15.getRate(TimeUnit.SECONDS);
    }
}
