package io.gatehouse.auth.tls;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The one Bouncy Castle provider the TLS code passes to Bouncy Castle's PEM and certificate classes,
 * made once (it is slow to build) and never installed in the JVM's provider list, so the JDK's own
 * TLS keeps its own providers.
 */
final class Bc {
    static final Provider PROVIDER = new BouncyCastleProvider();

    private Bc() {
    }
}
