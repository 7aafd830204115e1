package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;

/** The global {@code [proxypass]} section: response cache budgets in MB (0 turns a tier off). */
public record ProxyPassSpec(SourcePos pos, long cacheMemoryMb, long cacheDiskMb) {
    public static ProxyPassSpec defaults() {
        return new ProxyPassSpec(SourcePos.ofFile("(defaults)"), 8, 0);
    }
}
