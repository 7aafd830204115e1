package io.gatehouse.cache.handler;

import io.gatehouse.cache.policy.Fields;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import java.util.ArrayList;
import java.util.List;

/** Undertow's header map as the cache policy reads fields: a view, nothing copied. */
final class HeaderFields implements Fields {
    private final HeaderMap map;

    HeaderFields(HeaderMap map) {
        this.map = map;
    }

    @Override
    public List<String> all(String name) {
        HeaderValues v = map.get(name);
        return v == null ? List.of() : v;
    }

    @Override
    public String first(String name) {
        return map.getFirst(name);
    }

    @Override
    public boolean has(String name) {
        return map.contains(name);
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
