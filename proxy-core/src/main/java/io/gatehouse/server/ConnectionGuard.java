package io.gatehouse.server;

import org.xnio.StreamConnection;

/**
 * Sets up a freshly accepted client connection before Undertow's HTTP parser sees it (the strict
 * framing layer installs its conduit here).
 */
@FunctionalInterface
public interface ConnectionGuard {
    ConnectionGuard NONE = connection -> { };

    void install(StreamConnection connection);
}
