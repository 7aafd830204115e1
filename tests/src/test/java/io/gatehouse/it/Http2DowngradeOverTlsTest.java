package io.gatehouse.it;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;

/**
 * {@link Http2DowngradeTest}'s every case over TLS, HTTP/2 chosen by ALPN: the same refusals, the same
 * bodies, with {@code :scheme https} the one that matches the connection.
 */
class Http2DowngradeOverTlsTest extends Http2DowngradeTest {
    private final TlsFixture pki = new TlsFixture();

    @Override
    String listener() {
        KeyPair keys = TlsFixture.keyPair("EC");
        Path cert = TlsFixture.write(tmp.resolve("server.crt"), pki.chainPem(pki.issue(keys, "localhost")));
        Path key = TlsFixture.write(tmp.resolve("server.key"), TlsFixture.keyPem(keys.getPrivate(), TlsFixture.KeyForm.PKCS8));
        return "[server]\nport = ${PORT}\n[ssl]\nenable_ssl = yes\ncertfile = " + cert + "\nkeyfile = " + key + "\n";
    }

    @Override
    String scheme() {
        return "https";
    }

    @Override
    RawH2 connect() throws IOException {
        return RawH2.tls(gatehouse.address(), pki.client(), "localhost").start();
    }
}
