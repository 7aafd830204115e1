package io.gatehouse.auth.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PemKeyMaterial#matches}: a private key is the half of a certificate's public key exactly when
 * they were made together, for RSA, EC on each curve the JDK signs with, and Ed25519; never across
 * curves or algorithms.
 */
class PemKeyMatchTest {
    private static KeyPair pair(String algorithm, String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        if (curve != null) {
            g.initialize(new ECGenParameterSpec(curve));
        } else if (algorithm.equals("RSA")) {
            g.initialize(2048);
        }
        return g.generateKeyPair();
    }

    @Test
    void aKeyMatchesOnlyThePublicKeyMadeWithIt() throws Exception {
        List<KeyPair> pairs = List.of(pair("EC", "secp256r1"), pair("EC", "secp256r1"), pair("EC", "secp384r1"),
                pair("EC", "secp521r1"), pair("RSA", null), pair("RSA", null), pair("Ed25519", null),
                pair("Ed25519", null));
        for (int i = 0; i < pairs.size(); i++) {
            for (int j = 0; j < pairs.size(); j++) {
                assertEquals(i == j, PemKeyMaterial.matches(pairs.get(i).getPublic(), pairs.get(j).getPrivate()),
                        "certificate key " + i + ", private key " + j);
            }
        }
    }
}
