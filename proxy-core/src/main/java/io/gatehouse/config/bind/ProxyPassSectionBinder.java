package io.gatehouse.config.bind;

import io.gatehouse.config.model.ProxyPassSpec;
import io.gatehouse.config.source.EnvSubstitution;
import io.gatehouse.config.source.IniSection;
import java.util.List;

/**
 * Binds the global {@code [proxypass]} section: cache budgets in MB (0 turns a tier off). The response
 * cache is not in this version: keys that are set are checked and kept, with a warning that says so.
 */
final class ProxyPassSectionBinder {
    public static final List<String> KEYS = List.of("cache_memory", "cache_disk");

    private ProxyPassSectionBinder() {
    }

    public static ProxyPassSpec bind(IniSection section, EnvSubstitution env, Problems problems) {
        ProxyPassSpec d = ProxyPassSpec.defaults();
        KeyValues kv = new KeyValues(section, "[proxypass]", KEYS, env, problems);
        ProxyPassSpec spec = new ProxyPassSpec(section.pos(),
                kv.longInRange("cache_memory", 0, Long.MAX_VALUE, d.cacheMemoryMb()),
                kv.longInRange("cache_disk", 0, Long.MAX_VALUE, d.cacheDiskMb()));
        kv.notInThisVersion("cache_memory", "the response cache");
        kv.notInThisVersion("cache_disk", "the response cache");
        return spec;
    }
}
