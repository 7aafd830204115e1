package io.gatehouse.admin.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.StatsSource.TrafficPoint;
import java.time.Duration;
import java.util.List;

/** {@code GET /api/series}: the console chart's points, with the interval between them. */
final class StatsJson {
    private StatsJson() {
    }

    static ObjectNode series(List<TrafficPoint> points) {
        ObjectNode o = Replies.object();
        long interval = points.size() < 2 ? 0
                : Duration.between(points.get(points.size() - 2).at(), points.get(points.size() - 1).at()).toSeconds();
        o.put("interval_s", interval);
        ArrayNode out = o.putArray("points");
        for (TrafficPoint p : points) {
            ObjectNode point = out.addObject();
            point.put("at", Replies.iso(p.at()));
            point.put("requests_per_second", p.requestsPerSecond());
            point.put("p99_ms", p.p99Millis());
            point.put("errors_per_second", p.errorsPerSecond());
        }
        return o;
    }
}
