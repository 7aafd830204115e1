package io.gatehouse.spi;

import io.gatehouse.config.model.ListenerSpec;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/** Supplies a listener's TLS context from its sites' {@code [ssl]} sections (the auth module implements it). */
public interface TlsContextFactory {
    /** Empty when the listener is plain HTTP. */
    Optional<SSLContext> forListener(ListenerSpec listener) throws Exception;
}
