package io.gatehouse.admin;

import java.time.Instant;
import java.util.List;

/**
 * The metrics as the console and {@code /stats.json} read them: the last sampled snapshot (reading
 * never resets what is being recorded) and a short time series for the console's chart.
 */
public interface StatsSource {
    /** The {@code /stats.json} document: a JSON object. */
    String statsJson();

    /** One point per sampling interval over the last minutes, oldest first. */
    List<TrafficPoint> series();

    /**
     * One sampling interval of traffic, over every listener.
     *
     * @param at                the end of the interval
     * @param requestsPerSecond requests completed per second in it
     * @param p99Millis         the 99th percentile of their handling and sending time, in milliseconds (0 when none)
     * @param errorsPerSecond   of those, answers with a 5xx status, per second
     */
    record TrafficPoint(Instant at, double requestsPerSecond, double p99Millis, double errorsPerSecond) {
    }
}
