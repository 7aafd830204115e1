package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.spi.ClientKeySource.ClientKey;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What Gatehouse answers a member asking for a client certificate: the cluster's certificate for a key
 * kind the member takes, whatever CAs it names; nothing without one; and which handshakes were asked.
 */
class ClientCertificateOfferTest {
    private static final TestCa.Issued EC_CERT = TestCa.create("Clients CA").issueClient("gatehouse");

    @ParameterizedTest(name = "{0} key, member takes {1}: {2}")
    @CsvSource({
        "EC,  EC,         client_cert",
        "EC,  RSA,        ",
        "RSA, RSA,        client_cert",
        "RSA, RSASSA-PSS, client_cert",
        "RSA, EC,         ",
    })
    void theCertificateIsOfferedForAKeyKindTheMemberTakesWhateverCasItNames(String algorithm, String memberTakes,
                                                                           String alias) throws Exception {
        ClientCertificateOffer offer = new ClientCertificateOffer(new ClientKey(key(algorithm), List.of(EC_CERT.chain())));
        assertEquals(alias, offer.chooseEngineClientAlias(new String[] {memberTakes}, null, null));
        assertEquals(alias, offer.chooseClientAlias(new String[] {memberTakes}, null, null));
    }

    @Test
    void theChainAndKeyGoUnderTheOneAliasAndNothingIsServed() {
        ClientCertificateOffer offer = new ClientCertificateOffer(new ClientKey(EC_CERT.key(), List.of(EC_CERT.chain())));
        assertArrayEquals(EC_CERT.chain(), offer.getCertificateChain(ClientCertificateOffer.ALIAS));
        assertSame(EC_CERT.key(), offer.getPrivateKey(ClientCertificateOffer.ALIAS));
        assertNull(offer.getCertificateChain("other"));
        assertNull(offer.getServerAliases("EC", null));
        assertNull(offer.chooseServerAlias("EC", null, null));
        assertNull(offer.chooseEngineServerAlias("EC", null, null));
    }

    @Test
    void withoutAClientCertificateNothingIsOfferedButTheAskIsNotedOnce() throws Exception {
        ClientCertificateOffer offer = new ClientCertificateOffer(null);
        SSLEngine engine = SSLContext.getDefault().createSSLEngine("member.test", 443);
        assertFalse(offer.takeAsked(engine));
        assertNull(offer.chooseEngineClientAlias(new String[] {"EC", "RSA"}, null, engine));
        assertTrue(offer.takeAsked(engine));
        assertFalse(offer.takeAsked(engine), "taken once");
    }

    private static PrivateKey key(String algorithm) throws Exception {
        if (algorithm.equals("EC")) {
            return EC_CERT.key();
        }
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        return rsa.generateKeyPair().getPrivate();
    }
}
