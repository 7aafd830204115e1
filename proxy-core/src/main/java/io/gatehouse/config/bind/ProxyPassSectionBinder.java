package io.gatehouse.config.bind;

import io.gatehouse.config.model.ProxyPassSpec;
import io.gatehouse.config.source.EnvSubstitution;
import io.gatehouse.config.source.IniSection;
import java.util.List;

/**
 * Binds the global {@code [proxypass]} section: the cache tiers' budgets in MB (0 turns a tier off), the
 * disk tier's directory and the largest body stored. The section being written at all is part of its
 * meaning: written with a tier that is not 0, it turns caching on for every proxied cluster.
 */
final class ProxyPassSectionBinder {
    public static final List<String> KEYS = List.of("cache_memory", "cache_disk", "cache_dir", "cache_max_object");

    private ProxyPassSectionBinder() {
    }

    public static ProxyPassSpec bind(IniSection section, EnvSubstitution env, Problems problems) {
        ProxyPassSpec d = ProxyPassSpec.defaults();
        KeyValues kv = new KeyValues(section, "[proxypass]", KEYS, env, problems);
        ProxyPassSpec spec = new ProxyPassSpec(section.pos(),
                kv.longInRange("cache_memory", 0, Long.MAX_VALUE, d.cacheMemoryMb()),
                kv.longInRange("cache_disk", 0, Long.MAX_VALUE, d.cacheDiskMb()),
                kv.directory("cache_dir", d.cacheDir()), kv.posOf("cache_dir"),
                kv.size("cache_max_object", 1, Long.MAX_VALUE, d.cacheMaxObject()), true);
        boolean diskRefused = kv.entry("cache_disk").isPresent() && !kv.given("cache_disk");
        if (kv.given("cache_dir") && spec.cacheDiskMb() == 0 && !diskRefused) {
            kv.warning("cache_dir", "cache_dir has no effect without a disk tier (cache_disk = 0)");
        }
        return spec;
    }
}
