package io.gatehouse.cache.handler;

import io.gatehouse.cache.policy.Fields;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.ArrayList;
import java.util.List;

/**
 * Undertow's header map as the cache policy reads fields: a view, nothing copied. The policy names
 * fields as text ({@code "Cache-Control"}); a well-known name is looked up by Undertow's own constant
 * for it, whose hash is computed once, instead of hashing the text's characters again at every lookup
 * (several per request on a cache hit).
 */
final class HeaderFields implements Fields {
    private final HeaderMap map;

    HeaderFields(HeaderMap map) {
        this.map = map;
    }

    @Override
    public List<String> all(String name) {
        HttpString known = Headers.fromCache(name);
        HeaderValues v = known != null ? map.get(known) : map.get(name);
        return v == null ? List.of() : v;
    }

    @Override
    public String first(String name) {
        HttpString known = Headers.fromCache(name);
        return known != null ? map.getFirst(known) : map.getFirst(name);
    }

    @Override
    public boolean has(String name) {
        HttpString known = Headers.fromCache(name);
        return known != null ? map.contains(known) : map.contains(name);
    }

    @Override
    public List<String> names() {
        List<String> names = new ArrayList<>();
        long cookie = map.fastIterateNonEmpty();
        while (cookie != -1L) {
            names.add(map.fiCurrent(cookie).getHeaderName().toString());
            cookie = map.fiNextNonEmpty(cookie);
        }
        return names;
    }
}
