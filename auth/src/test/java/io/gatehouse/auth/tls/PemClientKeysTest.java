package io.gatehouse.auth.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.model.ClientCertSpec;
import io.gatehouse.spi.ClientKeySource;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The client certificate a cluster shows its members: read from every PEM form a site's certificate may
 * take, and refused in the words of the cluster's keys.
 */
class PemClientKeysTest {
    private static final TestPki PKI = TestPki.SHARED;

    @TempDir
    Path tmp;

    private final PemClientKeys keys = new PemClientKeys(Clock.systemUTC());

    @ParameterizedTest
    @EnumSource(TestPki.KeyFormat.class)
    void everyKeyFormatIsReadWithItsChain(TestPki.KeyFormat format) throws Exception {
        KeyPair pair = format.algorithm.equals("RSA") ? TestPki.RSA : TestPki.EC;
        X509Certificate leaf = PKI.issue(pair, "gatehouse.client");
        Path cert = TestPki.write(tmp.resolve("client.crt"), PKI.chainPem(leaf));
        Path key = TestPki.write(tmp.resolve("client.key"), TestPki.keyPem(pair.getPrivate(), format, TestPki.PASSPHRASE));
        ClientKeySource.ClientKey read = keys.read(new ClientCertSpec(cert, Optional.of(key),
                format.encrypted() ? TestPki.PASSPHRASE : "", "test"));
        assertEquals(List.of(leaf, PKI.ca), read.chain());
        assertTrue(PemKeyMaterial.matches(leaf.getPublicKey(), read.privateKey()));
    }

    @Test
    void theKeyMayFollowTheCertificateInOneFile() throws Exception {
        X509Certificate leaf = PKI.issue(TestPki.EC, "gatehouse.client");
        Path combined = TestPki.write(tmp.resolve("client.pem"), PKI.chainPem(leaf)
                + TestPki.keyPem(TestPki.EC.getPrivate(), TestPki.KeyFormat.SEC1_EC, null));
        ClientKeySource.ClientKey read = keys.read(new ClientCertSpec(combined, Optional.empty(), "", "test"));
        assertEquals(leaf, read.chain().get(0));
    }

    @Test
    void aWrongPassphraseIsRefusedInTheWordsOfTheClustersKeys() {
        Path cert = TestPki.write(tmp.resolve("client.crt"), PKI.chainPem(PKI.issue(TestPki.EC, "gatehouse.client")));
        Path key = TestPki.write(tmp.resolve("client.key"),
                TestPki.keyPem(TestPki.EC.getPrivate(), TestPki.KeyFormat.ENCRYPTED_PKCS8_EC, TestPki.PASSPHRASE));
        GeneralSecurityException refused = assertThrows(GeneralSecurityException.class,
                () -> keys.read(new ClientCertSpec(cert, Optional.of(key), "not it", "test")));
        assertEquals("client_key " + key + ": wrong passphrase", refused.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "certfile /a.pem does not exist | client_cert /a.pem does not exist",
        "keyfile /k.pem is encrypted: set passphrase | client_key /k.pem is encrypted: set client_key_passphrase",
        "no private key in certfile /a.pem (set keyfile if the key is in a file of its own); expected a PRIVATE KEY"
            + " | no private key in client_cert /a.pem (set client_key if the key is in a file of its own); expected a"
            + " PRIVATE KEY",
        "certfile /a.pem: the server's certificate must come first; the key matches certificate 2 of 2 | client_cert"
            + " /a.pem: the client certificate must come first; the key matches certificate 2 of 2",
        "certfile /a.pem: the certificate expired on 2020-01-01; clients will refuse it | client_cert /a.pem: the"
            + " certificate expired on 2020-01-01; members that check it will refuse it",
    })
    void pemMessagesAreRewordedForTheClustersKeys(String site, String cluster) {
        assertEquals(cluster, ClientCertChecks.reworded(site));
    }
}
