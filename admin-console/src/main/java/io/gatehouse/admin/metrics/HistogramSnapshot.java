package io.gatehouse.admin.metrics;

import com.codahale.metrics.Snapshot;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A timer's distribution at one sample, as Dropwizard's reporters read it: an immutable copy of the
 * sampled window that nothing writes after it is published.
 */
final class HistogramSnapshot extends Snapshot {
    static final HistogramSnapshot EMPTY = new HistogramSnapshot(new Histogram(TalliedReservoir.LOWEST,
            TalliedReservoir.HIGHEST, 2));

    private final Histogram histogram;

    HistogramSnapshot(Histogram histogram) {
        this.histogram = histogram;
    }

    /** {@code quantile} in 0..1. */
    @Override
    public double getValue(double quantile) {
        if (quantile < 0 || quantile > 1 || Double.isNaN(quantile)) {
            throw new IllegalArgumentException(quantile + " is not in [0..1]");
        }
        if (histogram.getTotalCount() == 0) {
            return 0;
        }
        return histogram.getValueAtPercentile(quantile * 100);
    }

    /** One value per distinct recorded value (not repeated by count), lowest first. */
    @Override
    public long[] getValues() {
        int n = 0;
        for (HistogramIterationValue ignored : histogram.recordedValues()) {
            n++;
        }
        long[] out = new long[n];
        int i = 0;
        for (HistogramIterationValue v : histogram.recordedValues()) {
            if (i < n) {
                out[i++] = histogram.highestEquivalentValue(v.getValueIteratedTo());
            }
        }
        return out;
    }

    @Override
    public int size() {
        return (int) Math.min(Integer.MAX_VALUE, histogram.getTotalCount());
    }

    @Override
    public long getMax() {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getMaxValue();
    }

    @Override
    public double getMean() {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getMean();
    }

    @Override
    public long getMin() {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getMinValue();
    }

    @Override
    public double getStdDev() {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getStdDeviation();
    }

    @Override
    public void dump(OutputStream output) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(output, StandardCharsets.UTF_8));
        for (long v : getValues()) {
            out.println(v);
        }
        out.flush();
    }
}
