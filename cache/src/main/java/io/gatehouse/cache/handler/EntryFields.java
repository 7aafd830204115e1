package io.gatehouse.cache.handler;

import io.gatehouse.cache.policy.Fields;
import io.gatehouse.cache.policy.HeadFacts;
import io.gatehouse.cache.policy.StoredHead;
import io.gatehouse.cache.store.StoredFields;
import io.gatehouse.cache.store.StoredResponse;
import java.util.ArrayList;
import java.util.List;

/** A stored entry as the cache policy reads it: its status, fields and times. A view, nothing copied. */
final class EntryFields implements Fields, StoredHead {
    private final StoredResponse entry;
    private final StoredFields fields;

    EntryFields(StoredResponse entry) {
        this.entry = entry;
        this.fields = entry.headers();
    }

    @Override
    public List<String> all(String name) {
        return fields.all(name);
    }

    @Override
    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            String n = fields.name(i);
            if (names.stream().noneMatch(n::equalsIgnoreCase)) {
                names.add(n);
            }
        }
        return names;
    }

    /** The entry's facts, read once and kept with the entry. */
    @Override
    public HeadFacts facts() {
        return entry.facts(() -> HeadFacts.of(this));
    }

    @Override
    public int status() {
        return entry.status();
    }

    @Override
    public Fields headers() {
        return this;
    }

    @Override
    public long requestTime() {
        return entry.requestTime();
    }

    @Override
    public long responseTime() {
        return entry.responseTime();
    }
}
