package io.gatehouse.auth.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * Makes a self-signed certificate and key for trying Gatehouse's TLS out ({@code ./gatehouse cert
 * HOST...}, what one would otherwise do with {@code openssl req -x509}): the hosts given become the
 * certificate's names, the first also its common name; valid for a year from now; written as PEM, the
 * key unencrypted in PKCS#8 and readable by its owner only where the file system has permissions.
 * Browsers warn about such a certificate: it is for tests, not for sites.
 */
public final class SelfSigned {

    /** How long the certificate is valid. */
    public static final Duration VALIDITY = Duration.ofDays(365);

    /** The key to make. */
    public enum KeyKind {
        /** ECDSA on P-256: small and fast, what current servers use. */
        EC_P256,
        /** RSA 2048: for old clients. */
        RSA_2048
    }

    /** The two files written. */
    public record Written(Path certfile, Path keyfile) {
    }

    private final Clock clock;
    private final SecureRandom random;

    /**
     * @param clock  the start of the validity
     * @param random the randomness of the key and the serial number
     */
    public SelfSigned(Clock clock, SecureRandom random) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Writes {@code NAME.crt} and {@code NAME.key} into {@code directory}, NAME being the first host
     * ({@code *} written as {@code _}); existing files of those names are replaced.
     *
     * @param directory where the files go (made if missing)
     * @param hosts     DNS names (wildcards allowed) or IP addresses, at least one
     * @param kind      the key to make
     * @throws IllegalArgumentException no host, or one that is not a host name or address
     * @throws UncheckedIOException     a file could not be written (the message names it)
     */
    public Written write(Path directory, List<String> hosts, KeyKind kind) {
        List<String> names = checkedHosts(hosts);
        String base = names.get(0).replace('*', '_').replace(':', '_');
        Path certfile = directory.resolve(base + ".crt");
        Path keyfile = directory.resolve(base + ".key");
        KeyPair pair = keyPair(kind);
        String certificatePem = pem(certificate(names, pair, kind));
        String keyPem;
        try {
            keyPem = pem(new JcaPKCS8Generator(pair.getPrivate(), null).generate());
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the key: " + e.getMessage(), e);
        }
        try {
            Files.createDirectories(directory);
            replace(directory, certfile, certificatePem, false);
            replace(directory, keyfile, keyPem, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the certificate into " + directory + ": " + e.getMessage(), e);
        }
        return new Written(certfile, keyfile);
    }

    private static List<String> checkedHosts(List<String> hosts) {
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("name at least one host for the certificate, e.g. localhost");
        }
        List<String> names = new ArrayList<>();
        for (String host : hosts) {
            String name = host.strip().toLowerCase(Locale.ROOT);
            if (!IPAddress.isValid(name)
                    && !name.matches("(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")) {
                throw new IllegalArgumentException("'" + host + "' is not a host name or an IP address");
            }
            names.add(name);
        }
        return names;
    }

    private KeyPair keyPair(KeyKind kind) {
        try {
            if (kind == KeyKind.EC_P256) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"), random);
                return generator.generateKeyPair();
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot make a " + kind + " key: " + e.getMessage(), e);
        }
    }

    private X509CertificateHolder certificate(List<String> names, KeyPair pair, KeyKind kind) {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, names.get(0))
                .addRDN(BCStyle.O, "Gatehouse self-signed (for tests)")
                .build();
        Instant now = clock.instant();
        GeneralName[] alternatives = names.stream()
                .map(n -> new GeneralName(IPAddress.isValid(n) ? GeneralName.iPAddress : GeneralName.dNSName, n))
                .toArray(GeneralName[]::new);
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(127, random).add(BigInteger.ONE), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternatives));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(kind == KeyKind.EC_P256
                    ? KeyUsage.digitalSignature : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            String algorithm = kind == KeyKind.EC_P256 ? "SHA256withECDSA" : "SHA256withRSA";
            return builder.build(new JcaContentSignerBuilder(algorithm).setProvider(Bc.PROVIDER)
                    .setSecureRandom(random).build(pair.getPrivate()));
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot sign the certificate: " + e.getMessage(), e);
        }
    }

    private static String pem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** Writes {@code text} to a new file beside {@code target}, owner-only if asked, then moves it over. */
    private static void replace(Path directory, Path target, String text, boolean ownerOnly) throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                && directory.getFileSystem().equals(FileSystems.getDefault());
        Path temporary = ownerOnly && posix
                ? Files.createTempFile(directory, ".gatehouse-", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(directory, ".gatehouse-", ".tmp");
        try {
            Files.writeString(temporary, text, StandardCharsets.US_ASCII);
            if (!ownerOnly && posix) {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
