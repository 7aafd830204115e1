package io.gatehouse.config.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.ConfDirFixture;
import io.gatehouse.config.DocumentedExamples;
import io.gatehouse.config.model.CacheKeySpec;
import io.gatehouse.config.model.CacheKeySpec.Kind;
import io.gatehouse.config.model.CacheKeySpec.Part;
import io.gatehouse.config.model.ClusterCacheSpec;
import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.ProxyPassSpec;
import io.gatehouse.config.model.StaleUse;
import io.gatehouse.config.model.StaleUse.Condition;
import io.gatehouse.config.source.SourcePos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The response cache's keys (issue 10) as the loader binds them: {@code [proxypass]} into
 * {@link ProxyPassSpec}, a cluster's {@code cache}, {@code cache_key}, {@code cache_valid} and
 * {@code cache_use_stale} into {@link ClusterSpec#cache()}, and what {@link GatehouseConfig} concludes
 * from both (which clusters cache). Every default and each key's good values; errors and warnings, each
 * with its {@code file:line}, are in {@link ConfLoaderErrorsTest#cacheCases()}.
 */
class ClusterCacheSettingsTest {
    private static final String API = "[@api]\nmembers = 10.0.0.1:80, 10.0.0.2:80\n";
    private static final String ROUTES = "[routes:line]\n/ = @api\n";
    private static final String CACHED = "[proxypass]\ncache_memory = 64\n";

    @TempDir
    Path tmp;

    @Test
    void aClusterWithoutCacheKeysFollowsProxyPassWithTheDefaultKey() {
        ClusterCacheSpec cache = cluster(API).cache();
        assertEquals(ClusterCacheSpec.DEFAULTS, cache);
        assertEquals(Optional.empty(), cache.enabled());
        assertEquals(List.of(Part.SCHEME, Part.HOST, Part.PATH, Part.QUERY), cache.key().parts());
        assertEquals("scheme host path query", cache.key().toString());
        assertEquals(Optional.empty(), cache.valid());
        assertTrue(cache.useStale().isOff());
        assertEquals("off", cache.useStale().toString());
    }

    @ParameterizedTest(name = "cache = {0}")
    @CsvSource({"yes, true", "no, false", "on, true", "off, false", "TRUE, true", "1, true", "0, false"})
    void cacheIsYesOrNoInEveryBooleanSpelling(String written, boolean bound) {
        assertEquals(Optional.of(bound), cluster(CACHED + API + "cache = " + written + "\n").cache().enabled());
    }

    @ParameterizedTest(name = "cache_key = {0}")
    @CsvSource(delimiter = '|', value = {
        "scheme host path query | scheme host path query",
        "scheme host path | scheme host path",
        "path | path",
        "host path | host path",
        "path query scheme host | path query scheme host",
        "SCHEME Host PATH | scheme host path",
        "scheme host path query header:Accept-Language | scheme host path query header:Accept-Language",
        "path  header:X-Tenant\theader:Accept | path header:X-Tenant header:Accept",
        "Header:x_api.v~1 path | header:x_api.v~1 path"})
    void bindsEveryCacheKeyPartInTheOrderWritten(String written, String bound) {
        assertEquals(bound, cluster(CACHED + API + "cache_key = " + written + "\n").cache().key().toString());
    }

    @Test
    void aCacheKeyWithoutQueryIgnoresItAndHeaderPartsNameTheirHeaders() {
        CacheKeySpec key = cluster(CACHED + API + "cache_key = scheme host path header:Accept-Language header:X-Tenant\n")
                .cache().key();
        assertEquals(List.of(Part.SCHEME, Part.HOST, Part.PATH, Part.header("Accept-Language"), Part.header("X-Tenant")),
                key.parts());
        assertFalse(key.has(Kind.QUERY));
        assertTrue(key.has(Kind.HEADER));
        assertEquals(List.of("Accept-Language", "X-Tenant"), key.headers());
        assertTrue(CacheKeySpec.DEFAULT.has(Kind.QUERY));
        assertEquals(List.of(), CacheKeySpec.DEFAULT.headers());
    }

    @ParameterizedTest(name = "cache_valid = {0}")
    @CsvSource({"10m, 600000", "30, 30000", "500ms, 500", "1h, 3600000", "7d, 604800000"})
    void cacheValidIsADuration(String written, long millis) {
        assertEquals(Optional.of(Duration.ofMillis(millis)),
                cluster(CACHED + API + "cache_valid = " + written + "\n").cache().valid());
    }

    @ParameterizedTest(name = "cache_use_stale = {0}")
    @CsvSource(delimiter = '|', value = {
        "off | off",
        "OFF | off",
        "error | error",
        "error timeout 5xx | error timeout 5xx",
        "updating http_503 error | error http_503 updating",
        "HTTP_500 Http_502 http_503 http_504 timeout | timeout http_500 http_502 http_503 http_504",
        "error timeout 5xx http_500 http_502 http_503 http_504 updating"
            + " | error timeout 5xx http_500 http_502 http_503 http_504 updating"})
    void cacheUseStaleIsOffOrASetOfConditions(String written, String bound) {
        assertEquals(bound, cluster(CACHED + API + "cache_use_stale = " + written + "\n").cache().useStale().toString());
    }

    @ParameterizedTest(name = "{0}: status {1} -> {2}")
    @CsvSource({"5xx, 500, true", "5xx, 503, true", "5xx, 599, true", "5xx, 499, false", "5xx, 200, false",
        "http_502, 502, true", "http_502, 503, false", "http_500 http_504, 504, true", "http_500 http_504, 501, false",
        "error timeout, 502, false", "off, 500, false"})
    void staleUseTellsWhichMemberStatusesLetAStaleEntryStandIn(String written, int status, boolean allowed) {
        assertEquals(allowed, ClusterCacheBinder.staleUse(written).allowsStatus(status));
    }

    @Test
    void staleUseNamesEachCondition() {
        StaleUse use = cluster(CACHED + API + "cache_use_stale = error updating\n").cache().useStale();
        assertEquals(StaleUse.of(Condition.ERROR, Condition.UPDATING), use);
        assertTrue(use.allows(Condition.ERROR));
        assertTrue(use.allows(Condition.UPDATING));
        assertFalse(use.allows(Condition.TIMEOUT));
        assertFalse(use.isOff());
    }

    @Test
    void bindsEveryCacheKeyOfOneCluster() {
        ClusterSpec spec = cluster(CACHED + API + "cache = yes\ncache_key = host path\ncache_valid = 5m\n"
                + "cache_use_stale = timeout\n");
        assertEquals(new ClusterCacheSpec(Optional.of(true), new CacheKeySpec(List.of(Part.HOST, Part.PATH)),
                Optional.of(Duration.ofMinutes(5)), StaleUse.of(Condition.TIMEOUT)), spec.cache());
        assertEquals(spec.cache(), spec.withPolicy(spec.policy()).cache(), "withPolicy keeps the cache settings");
        assertEquals(ClusterCacheSpec.DEFAULTS, spec.withCache(ClusterCacheSpec.DEFAULTS).cache());
        assertEquals(spec.policy(), spec.withCache(ClusterCacheSpec.DEFAULTS).policy());
    }

    @Test
    void withoutAProxyPassSectionTheStoreHasItsDefaultsAndIsNotWritten() {
        GatehouseConfig config = config(ROUTES + API);
        assertEquals(ProxyPassSpec.defaults(), config.proxyPass());
        ProxyPassSpec p = config.proxyPass();
        assertFalse(p.written());
        assertEquals(8, p.cacheMemoryMb());
        assertEquals(8L << 20, p.cacheMemoryBytes());
        assertEquals(0, p.cacheDiskMb());
        assertEquals(Path.of("cache"), p.cacheDir());
        assertTrue(p.cacheDirIsDefault());
        assertEquals(8L << 20, p.cacheMaxObject());
        assertFalse(config.cachingOnByDefault());
        assertFalse(config.cachingConfigured());
    }

    @Test
    void anEmptyProxyPassSectionIsWrittenWithEveryDefault() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", ROUTES + API + "[proxypass]\n");
        GatehouseConfig config = load(f);
        SourcePos section = new SourcePos(f.dir().resolve("a.conf").toString(), 5);
        assertEquals(new ProxyPassSpec(section, 8, 0, Path.of("cache"), section, 8L << 20, true), config.proxyPass());
        assertTrue(config.proxyPass().written());
        assertTrue(config.cachingOnByDefault(), "written with the default 8 MB memory tier: caching is on");
    }

    @Test
    void bindsEveryProxyPassKey() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", ROUTES + API + "[proxypass]\ncache_memory = 64\ncache_disk = 2048\ncache_dir = /var/cache/gh\n"
                + "cache_max_object = 16m\n");
        ProxyPassSpec p = load(f).proxyPass();
        String a = f.dir().resolve("a.conf").toString();
        assertEquals(new ProxyPassSpec(new SourcePos(a, 5), 64, 2048, Path.of("/var/cache/gh"), new SourcePos(a, 8),
                16L << 20, true), p);
        assertEquals(2048L << 20, p.cacheDiskBytes());
        assertFalse(p.cacheDirIsDefault());
    }

    @ParameterizedTest(name = "cache_max_object = {0}")
    @CsvSource({"1, 1", "8192, 8192", "512k, 524288", "16m, 16777216", "1g, 1073741824"})
    void cacheMaxObjectIsASizeOfAtLeastOneByte(String written, long bytes) {
        assertEquals(bytes, config(ROUTES + API + "[proxypass]\ncache_max_object = " + written + "\n")
                .proxyPass().cacheMaxObject());
    }

    /** Like {@code [log] dir}, a relative cache_dir is kept as written: the process's working directory is its base. */
    @Test
    void aRelativeCacheDirIsKeptAsWrittenLikeTheLogDirectory() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", ROUTES + API + "[proxypass]\ncache_disk = 100\ncache_dir = var/cache\n[log]\ndir = var/log\n");
        GatehouseConfig config = load(f);
        assertEquals(Path.of("var/cache"), config.proxyPass().cacheDir());
        assertFalse(config.proxyPass().cacheDir().isAbsolute());
        assertEquals(config.log().dir().getParent(), config.proxyPass().cacheDir().getParent());
        assertEquals(new SourcePos(f.dir().resolve("a.conf").toString(), 7), config.proxyPass().cacheDirPos());
    }

    @Test
    void theResultCacheSizeIsTheLargestOfAnySite() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", "[tunefactors]\nnum_result_cache_max = 50\n" + ROUTES + API);
        f.file("b.conf", "[server]\nport = 5001\n[tunefactors]\nnum_result_cache_max = 500\n[routes:line]\n/ = @api\n");
        f.file("c.conf", "[server]\nport = 5002\n[routes:line]\n/ = @api\n");
        assertEquals(500, load(f).numResultCacheMax());

        ConfDirFixture none = new ConfDirFixture(tmp.resolve("none"));
        none.file("a.conf", ROUTES + API);
        assertEquals(200, load(none).numResultCacheMax(), "no site writes it: the default");
    }

    /**
     * Which clusters cache: {@code [proxypass]} written with a tier turns caching on for every cluster,
     * {@code cache = yes|no} overrides it either way, and nothing is cached without a tier.
     */
    @ParameterizedTest(name = "[{index}] [proxypass] {0}, cache {1}: caches {2}, on by default {3}, configured {4}")
    @CsvSource(delimiter = '|', value = {
        "none                                | absent | false | false | false",
        "none                                | yes    | true  | false | true",
        "none                                | no     | false | false | false",
        "empty                               | absent | true  | true  | true",
        "cache_memory = 64                   | absent | true  | true  | true",
        "cache_memory = 64                   | no     | false | true  | true",
        "cache_memory = 64                   | yes    | true  | true  | true",
        "cache_memory = 0\\ncache_disk = 100 | absent | true  | true  | true",
        "cache_memory = 0                    | absent | false | false | false",
        "cache_memory = 0                    | yes    | false | false | false",
        "cache_memory = 0\\ncache_disk = 0   | absent | false | false | false"})
    void aClusterCachesWhenProxyPassOrItsOwnCacheKeySaysSo(String proxyPass, String cache, boolean caches,
                                                          boolean onByDefault, boolean configured) {
        String section = switch (proxyPass) {
            case "none" -> "";
            case "empty" -> "[proxypass]\n";
            default -> "[proxypass]\n" + proxyPass.replace("\\n", "\n") + "\n";
        };
        String key = cache.equals("absent") ? "" : "cache = " + cache + "\n";
        GatehouseConfig config = configWithWarnings(ROUTES + API + key + section);
        assertEquals(caches, config.caches(config.clusters().get("api")));
        assertEquals(onByDefault, config.cachingOnByDefault());
        assertEquals(configured, config.cachingConfigured());
        ClusterSpec route = ClusterSpec.single(new SourcePos("a.conf", 9), "http://10.0.0.9:80",
                new HostPort("10.0.0.9", 80), false);
        assertEquals(onByDefault, config.caches(route), "a route's http:// target follows [proxypass]");
    }

    @Test
    void cacheYesOnOneClusterConfiguresCachingForItAlone() {
        GatehouseConfig config = config("[routes:line]\n/ = @api\n/web = @web\n" + API + "cache = yes\n"
                + "[@web]\nmembers = 10.0.0.3:80\n");
        assertTrue(config.cachingConfigured());
        assertFalse(config.cachingOnByDefault());
        assertTrue(config.caches(config.clusters().get("api")));
        assertFalse(config.caches(config.clusters().get("web")));
    }

    /** The cluster example in docs/configuration.md: it loads as it is, with no [proxypass], to the values its comments give. */
    @Test
    void theDocumentedCacheExampleClusterLoadsWithoutAProblem() {
        String example = DocumentedExamples.ini("[@catalog]");
        GatehouseConfig config = config("[routes:line]\n/ = @catalog\n" + example);
        ClusterSpec catalog = config.clusters().get("catalog");
        assertEquals(new ClusterCacheSpec(Optional.of(true),
                        new CacheKeySpec(List.of(Part.SCHEME, Part.HOST, Part.PATH, Part.header("Accept-Language"))),
                        Optional.of(Duration.ofMinutes(10)),
                        StaleUse.of(Condition.ERROR, Condition.TIMEOUT, Condition.ANY_5XX, Condition.UPDATING)),
                catalog.cache());
        assertTrue(config.caches(catalog));
    }

    /**
     * The {@code [proxypass]} example in docs/configuration.md: it loads to the values its comments give,
     * with no problem at all.
     */
    @Test
    void theDocumentedProxyPassExampleLoadsToItsValues() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", ROUTES + API + DocumentedExamples.ini("[proxypass]"));
        LoadOutcome outcome = f.load();
        assertEquals(List.of(), f.shown(outcome.problems()));
        ProxyPassSpec p = outcome.config().orElseThrow().proxyPass();
        assertEquals(64, p.cacheMemoryMb());
        assertEquals(1024, p.cacheDiskMb());
        assertEquals(Path.of("/var/cache/gatehouse"), p.cacheDir());
        assertEquals(16L << 20, p.cacheMaxObject());
        assertTrue(outcome.config().orElseThrow().cachingOnByDefault());
    }

    private ClusterSpec cluster(String text) {
        return config(ROUTES + text).clusters().get("api");
    }

    /** The configuration of one file, which must load with no problem at all. */
    private GatehouseConfig config(String text) {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", text);
        return load(f);
    }

    /** The configuration of {@code f}, which must load with no problem at all. */
    private GatehouseConfig load(ConfDirFixture f) {
        LoadOutcome loaded = f.load();
        assertEquals(List.of(), f.shown(loaded.problems()));
        return loaded.config().orElseThrow();
    }

    /** The configuration of one file that may have warnings, but no error. */
    private GatehouseConfig configWithWarnings(String text) {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", text);
        LoadOutcome loaded = f.load();
        return loaded.config().orElseThrow(() -> new AssertionError(loaded.problems()));
    }
}
