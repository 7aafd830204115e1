package io.gatehouse.it;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/**
 * Certificates and keys for the TLS listener tests: a test CA, server certificates it signs for RSA or
 * EC keys, the keys written in each PEM form {@code openssl} writes (made with Bouncy Castle, so the
 * tests do not need an {@code openssl} binary), and a client context that trusts only the CA.
 */
final class TlsFixture {
    static final String PASSPHRASE = "correct horse battery staple";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    /** The PEM forms of a private key. */
    enum KeyForm { PKCS1_RSA, PKCS8, SEC1_EC, ENCRYPTED_PKCS8, LEGACY_ENCRYPTED }

    private final KeyPair caKeys = keyPair("EC");
    final X509Certificate ca;

    TlsFixture() {
        ca = sign(new X500Name("CN=Gatehouse Listener Test CA"), caKeys.getPublic(), new String[0], true,
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)));
    }

    static KeyPair keyPair(String algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            } else {
                generator.initialize(2048, RANDOM);
            }
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server certificate for {@code names}, valid from yesterday for a month. */
    X509Certificate issue(KeyPair server, String... names) {
        return sign(new X500Name("CN=" + names[0]), server.getPublic(), names, false,
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)));
    }

    /** A server certificate for {@code names} that expired yesterday. */
    X509Certificate issueExpired(KeyPair server, String... names) {
        return sign(new X500Name("CN=" + names[0]), server.getPublic(), names, false,
                Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)));
    }

    private X509Certificate sign(X500Name subject, java.security.PublicKey key, String[] names, boolean isCa,
                                 Instant from, Instant until) {
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    new X500Name("CN=Gatehouse Listener Test CA"), new BigInteger(64, RANDOM).add(BigInteger.ONE),
                    Date.from(from), Date.from(until), subject, key);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (names.length > 0) {
                GeneralName[] dns = new GeneralName[names.length];
                for (int i = 0; i < names.length; i++) {
                    dns[i] = new GeneralName(GeneralName.dNSName, names[i]);
                }
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(dns));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The certificate, then the CA, as a chain file holds them. */
    String chainPem(X509Certificate leaf) {
        return pem(leaf) + pem(ca);
    }

    /** {@code key} in {@code form}; encrypted forms use {@link #PASSPHRASE}. */
    static String keyPem(PrivateKey key, KeyForm form) {
        try {
            return switch (form) {
                case PKCS1_RSA, SEC1_EC -> pem(openSslForm(key));
                case PKCS8 -> pem(new JcaPKCS8Generator(key, null));
                case ENCRYPTED_PKCS8 -> pem(new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(
                        PKCS8Generator.AES_256_CBC).setProvider(BC).setRandom(RANDOM)
                        .setPassword(PASSPHRASE.toCharArray()).build()));
                case LEGACY_ENCRYPTED -> pem(new JcaMiscPEMGenerator(openSslForm(key), new JcePEMEncryptorBuilder(
                        "AES-128-CBC").setProvider(BC).setSecureRandom(RANDOM).build(PASSPHRASE.toCharArray())));
            };
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An EC key re-encoded by Bouncy Castle, so its SEC1 form names its curve as openssl's does. */
    private static PrivateKey openSslForm(PrivateKey key) throws Exception {
        return key.getAlgorithm().equals("EC")
                ? KeyFactory.getInstance("EC", BC).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded())) : key;
    }

    static String pem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            if (object instanceof PemObjectGenerator generator) {
                writer.writeObject(generator);
            } else {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    static Path write(Path file, String text) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            return Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client context trusting only the test CA. */
    SSLContext client() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
