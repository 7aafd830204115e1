package io.gatehouse.auth.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/** A small test CA: keys, certificates it signs, and the PEM forms {@code openssl} writes them in. */
final class TestPki {

    static final String PASSPHRASE = "correct horse battery staple";

    /** Every way a key can be written, with the header the file must show. */
    enum KeyFormat {
        PKCS1_RSA("RSA", "-----BEGIN RSA PRIVATE KEY-----"),
        PKCS8_RSA("RSA", "-----BEGIN PRIVATE KEY-----"),
        PKCS8_EC("EC", "-----BEGIN PRIVATE KEY-----"),
        SEC1_EC("EC", "-----BEGIN EC PRIVATE KEY-----"),
        SEC1_EC_WITH_PARAMETERS("EC", "-----BEGIN EC PARAMETERS-----"),
        ENCRYPTED_PKCS8_RSA("RSA", "-----BEGIN ENCRYPTED PRIVATE KEY-----"),
        ENCRYPTED_PKCS8_EC("EC", "-----BEGIN ENCRYPTED PRIVATE KEY-----"),
        LEGACY_ENCRYPTED_RSA("RSA", "Proc-Type: 4,ENCRYPTED"),
        LEGACY_ENCRYPTED_EC("EC", "Proc-Type: 4,ENCRYPTED");

        final String algorithm;
        final String marker;

        KeyFormat(String algorithm, String marker) {
            this.algorithm = algorithm;
            this.marker = marker;
        }

        boolean encrypted() {
            return name().contains("ENCRYPTED");
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final KeyPair EC_CA = keyPair("EC");

    /** One CA for all the tests, and one RSA 2048 and one P-256 server key (RSA keys are slow to make). */
    static final TestPki SHARED = new TestPki();
    static final KeyPair RSA = keyPair("RSA");
    static final KeyPair EC = keyPair("EC");

    final X509Certificate ca;

    TestPki() {
        Instant now = Instant.now();
        this.ca = sign(new X500Name("CN=Gatehouse Test CA"), new X500Name("CN=Gatehouse Test CA"), EC_CA,
                EC_CA.getPublic(), List.of(), now.minus(1, ChronoUnit.DAYS), now.plus(30, ChronoUnit.DAYS), true);
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
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server certificate for {@code names} (no names: a certificate with only a CN), signed by the CA. */
    X509Certificate issue(KeyPair server, String commonName, List<String> names, Instant notBefore, Instant notAfter) {
        return sign(new X500Name("CN=Gatehouse Test CA"), new X500Name("CN=" + commonName), EC_CA, server.getPublic(),
                names, notBefore, notAfter, false);
    }

    X509Certificate issue(KeyPair server, String... names) {
        Instant now = Instant.now();
        return issue(server, names[0], List.of(names), now.minus(1, ChronoUnit.HOURS), now.plus(10, ChronoUnit.DAYS));
    }

    private static X509Certificate sign(X500Name issuer, X500Name subject, KeyPair signer, java.security.PublicKey key,
            List<String> names, Instant notBefore, Instant notAfter, boolean isCa) {
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    new BigInteger(64, RANDOM).add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter), subject, key);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (!names.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                        names.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
            }
            return new JcaX509CertificateConverter().setProvider(Bc.PROVIDER).getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(Bc.PROVIDER)
                            .build(signer.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A trust store holding only the test CA. */
    KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", ca);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The certificate and the CA after it, as a chain file holds them. */
    String chainPem(X509Certificate leaf) {
        return pem(leaf) + pem(ca);
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

    /** {@code key} written in {@code format}; encrypted ones with {@code passphrase}. */
    static String keyPem(PrivateKey key, KeyFormat format, String passphrase) {
        try {
            switch (format) {
                case PKCS1_RSA:
                case SEC1_EC:
                    return pem(openSslForm(key)); // the traditional OpenSSL forms
                case SEC1_EC_WITH_PARAMETERS:
                    // what `openssl ecparam -name prime256v1 -genkey` writes: the curve's OID first
                    return "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                            + pem(openSslForm(key));
                case PKCS8_RSA:
                case PKCS8_EC:
                    return pem(new JcaPKCS8Generator(key, null));
                case ENCRYPTED_PKCS8_RSA:
                case ENCRYPTED_PKCS8_EC:
                    return pem(new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                            .setProvider(Bc.PROVIDER).setRandom(RANDOM).setPassword(passphrase.toCharArray()).build()));
                case LEGACY_ENCRYPTED_RSA:
                case LEGACY_ENCRYPTED_EC:
                    return pem(new JcaMiscPEMGenerator(openSslForm(key), new JcePEMEncryptorBuilder("AES-128-CBC")
                            .setProvider(Bc.PROVIDER).setSecureRandom(RANDOM).build(passphrase.toCharArray())));
                default:
                    throw new IllegalArgumentException(format.name());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The key as {@code openssl} writes a SEC1 EC key: with the curve inside the key (the JDK's own
     * encoding leaves it out of the inner structure, so a SEC1 form made from it would not name its curve).
     */
    static PrivateKey openSslForm(PrivateKey key) throws GeneralSecurityException {
        if (!key.getAlgorithm().equals("EC")) {
            return key;
        }
        return KeyFactory.getInstance("EC", Bc.PROVIDER).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
    }

    static Path write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
