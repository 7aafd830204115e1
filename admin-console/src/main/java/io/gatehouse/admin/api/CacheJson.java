package io.gatehouse.admin.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.cache.handler.ResponseCache;
import io.gatehouse.cache.store.CacheStatsView;
import java.util.Optional;

/** {@code GET /api/cache}: the response cache's statistics per tier, or {@code {"enabled":false}}. */
final class CacheJson {
    private CacheJson() {
    }

    static ObjectNode stats(Optional<ResponseCache> cache) {
        ObjectNode o = Replies.object();
        o.put("enabled", cache.isPresent());
        if (cache.isEmpty()) {
            return o;
        }
        CacheStatsView s = cache.get().stats();
        ArrayNode tiers = o.putArray("tiers");
        if (s.memoryTier()) {
            ObjectNode t = tiers.addObject();
            t.put("tier", "memory");
            t.put("entries", s.memoryEntries());
            t.put("bytes", s.memoryBytes());
            t.put("capacity_bytes", s.memoryCapacityBytes());
            t.put("hits", s.memoryHits());
            t.put("misses", s.memoryMisses());
            t.put("evictions", s.memoryEvictions());
        }
        if (s.diskTier()) {
            ObjectNode t = tiers.addObject();
            t.put("tier", "disk");
            t.put("entries", s.diskEntries());
            t.put("bytes", s.diskBytes());
            t.put("capacity_bytes", s.diskCapacityBytes());
            t.put("hits", s.diskHits());
            t.put("misses", s.diskMisses());
            t.put("evictions", s.diskEvictions());
            t.put("errors", s.diskErrors());
            t.put("not_written", s.diskNotWritten());
            t.put("started_empty", s.diskStartedEmpty());
        }
        o.put("hit_ratio", s.hitRatio());
        o.put("hits", s.hits());
        o.put("collapsed", s.collapsed());
        o.put("revalidations", s.revalidations());
        o.put("stale_served", s.staleServed());
        o.put("bypasses", s.bypasses());
        o.put("damaged_discarded", s.damagedDiscarded());
        return o;
    }
}
