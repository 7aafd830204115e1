package io.gatehouse.upstream.http1;

import io.undertow.util.HttpString;

/** Where header fields go, one {@code name: value} at a time, in order. */
@FunctionalInterface
public interface HeaderSink {
    void header(HttpString name, String value);
}
