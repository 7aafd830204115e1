package io.gatehouse.cache.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.model.CacheKeySpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A cluster's cache_key read as a URL, and which keys belong to a URL. */
class CacheKeysTest {
    @Test
    void aVariantKeyHangsFromItsUrlsKeyWithTheMarkersStamp() {
        String url = "http://example.com/a";
        String v = CacheKeys.variant(url, 42, "accept-encoding=gzip");
        assertTrue(v.startsWith(url + CacheKeys.VARIANT));
        assertFalse(v.equals(CacheKeys.variant(url, 43, "accept-encoding=gzip")), "another marker: other keys");
    }

    @Test
    void theDefaultKeyIsTheUrlAndLeavingTheQueryOutDropsIt() {
        CacheKeys all = new CacheKeys(CacheKeySpec.DEFAULT);
        assertEquals("http://example.com/a/b?x=1", all.urlPart("http", "Example.COM", "/a/b", "x=1"));
        assertEquals("http://example.com/a/b", all.urlPart("http", "example.com", "/a/b", ""));
        CacheKeys noQuery = new CacheKeys(new CacheKeySpec(List.of(CacheKeySpec.Part.SCHEME, CacheKeySpec.Part.HOST,
                CacheKeySpec.Part.PATH)));
        assertEquals("https://example.com/a", noQuery.urlPart("https", "example.com", "/a", "x=1"));
        CacheKeys pathOnly = new CacheKeys(new CacheKeySpec(List.of(CacheKeySpec.Part.PATH)));
        assertEquals("/a", pathOnly.urlPart("https", "example.com", "/a", "x=1"));
        assertFalse(all.hasHeaderParts());
        assertTrue(new CacheKeys(new CacheKeySpec(List.of(CacheKeySpec.Part.PATH, CacheKeySpec.Part.header("X-Tenant"))))
                .hasHeaderParts());
    }
}
