package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The global {@code [proxypass]} section: the response cache's store. Written in conf.d with a tier
 * that is not 0, it turns caching on for every proxied cluster (a cluster's {@code cache = yes|no}
 * overrides that either way); with no such section nothing is cached unless a cluster says
 * {@code cache = yes}, and then the defaults below are the store.
 *
 * @param pos            the section header, or {@code (defaults)} when there is no {@code [proxypass]} section
 * @param cacheMemoryMb  {@code cache_memory}: MB (MiB) for the memory tier (default 8; 0 turns it off)
 * @param cacheDiskMb    {@code cache_disk}: MB (MiB) for the disk tier (default 0: off)
 * @param cacheDir       {@code cache_dir}: the disk tier's directory (default {@code cache}, relative to the
 *                       working directory, as {@code [log] dir} is)
 * @param cacheDirPos    where {@code cache_dir} was written: its line, else {@code pos}
 * @param cacheMaxObject {@code cache_max_object}: the largest body stored, in bytes (default 8m); larger
 *                       ones stream through and are not stored
 * @param written        true when the section appears in conf.d (even empty), false for {@link #defaults()}
 */
public record ProxyPassSpec(SourcePos pos, long cacheMemoryMb, long cacheDiskMb, Path cacheDir, SourcePos cacheDirPos,
                            long cacheMaxObject, boolean written) {
    /** Where the defaults are "written": a {@code [proxypass]} section that is absent. */
    public static final SourcePos DEFAULTS_POS = SourcePos.ofFile("(defaults)");
    public static final long DEFAULT_CACHE_MEMORY_MB = 8;
    public static final Path DEFAULT_CACHE_DIR = Path.of("cache");
    public static final long DEFAULT_CACHE_MAX_OBJECT = 8L << 20;

    public ProxyPassSpec {
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(cacheDirPos, "cacheDirPos");
        if (cacheMemoryMb < 0 || cacheDiskMb < 0 || cacheMaxObject < 1) {
            throw new IllegalArgumentException("cache_memory " + cacheMemoryMb + ", cache_disk " + cacheDiskMb
                    + ", cache_max_object " + cacheMaxObject + " (expected: >= 0, >= 0, >= 1)");
        }
    }

    /** No {@code [proxypass]} section: 8 MB of memory, no disk tier, {@code cache/}, 8m objects; not written. */
    public static ProxyPassSpec defaults() {
        return new ProxyPassSpec(DEFAULTS_POS, DEFAULT_CACHE_MEMORY_MB, 0, DEFAULT_CACHE_DIR, DEFAULTS_POS,
                DEFAULT_CACHE_MAX_OBJECT, false);
    }

    /** True when at least one tier is not 0: there is somewhere to store answers. */
    public boolean hasTier() {
        return cacheMemoryMb > 0 || cacheDiskMb > 0;
    }

    /**
     * True when the section is written with a tier that is not 0: every proxied cluster caches unless it
     * says {@code cache = no}.
     */
    public boolean cachesByDefault() {
        return written && hasTier();
    }

    /** {@code cache_memory} in bytes (saturating at {@link Long#MAX_VALUE}). */
    public long cacheMemoryBytes() {
        return mib(cacheMemoryMb);
    }

    /** {@code cache_disk} in bytes (saturating at {@link Long#MAX_VALUE}). */
    public long cacheDiskBytes() {
        return mib(cacheDiskMb);
    }

    /** True when {@code cache_dir} was not written in the configuration. */
    public boolean cacheDirIsDefault() {
        return cacheDirPos.equals(DEFAULTS_POS) || cacheDirPos.equals(pos);
    }

    private static long mib(long mb) {
        return mb > (Long.MAX_VALUE >> 20) ? Long.MAX_VALUE : mb << 20;
    }
}
