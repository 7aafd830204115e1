package io.gatehouse.auth.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A site's certificate chain and private key, read from the PEM files its {@code [ssl]} section names
 * ({@code certfile}, {@code keyfile}, {@code passphrase}), as {@code openssl} writes them.
 *
 * <p>Keys may be PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}), PKCS#8 ({@code BEGIN PRIVATE KEY}),
 * SEC1 EC ({@code BEGIN EC PRIVATE KEY}, with or without the {@code EC PARAMETERS} block
 * {@code openssl ecparam -genkey} puts before it), and encrypted with the passphrase either as PKCS#8
 * ({@code BEGIN ENCRYPTED PRIVATE KEY}) or in OpenSSL's older {@code Proc-Type: 4,ENCRYPTED} form.
 * The certificate and key may share one file in either order (the seed's {@code server.pem}). The
 * first certificate is the server's; the others are its chain, sent as they stand.
 *
 * <p>{@link #load} never throws for anything a file holds: it answers a {@link PemLoad}, the material
 * or the problems, and the warnings (a certificate outside its validity still loads, as nginx serves
 * it). It reads files, so it runs while a configuration is loaded, never on an IO thread. The
 * passphrase is used and forgotten: it is neither kept nor written anywhere.
 */
public final class PemKeyMaterial {

    /** Files larger than this are refused: a certificate chain and a key are a few KiB. */
    static final long MAX_BYTES = 1024 * 1024;

    private final List<X509Certificate> chain;
    private final PrivateKey privateKey;
    private final List<String> hostNames;

    private PemKeyMaterial(List<X509Certificate> chain, PrivateKey privateKey) {
        this.chain = List.copyOf(chain);
        this.privateKey = privateKey;
        this.hostNames = hostNames(chain.get(0));
    }

    /**
     * Reads a certificate chain and its key.
     *
     * @param certfile   the PEM file with the server's certificate first, then its chain
     * @param keyfile    the PEM file with the private key; null (or {@code certfile}) when the key is in
     *                   {@code certfile} with the certificates
     * @param passphrase the key's passphrase; null or empty when it is not encrypted
     * @param clock      the time the certificate's validity is checked against
     */
    public static PemLoad load(Path certfile, Path keyfile, String passphrase, Clock clock) {
        Objects.requireNonNull(certfile, "certfile");
        Objects.requireNonNull(clock, "clock");
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        boolean combined = keyfile == null || keyfile.equals(certfile);
        Contents certs = Contents.read("certfile " + certfile, certfile, passphrase, problems);
        Contents keys = combined ? certs : Contents.read("keyfile " + keyfile, keyfile, passphrase, problems);
        if (!problems.isEmpty()) {
            return new PemLoad.Refused(problems, warnings);
        }
        if (certs.certificates.isEmpty()) {
            problems.add("no certificate in certfile " + certfile
                    + "; expected a block between -----BEGIN CERTIFICATE----- and -----END CERTIFICATE-----");
        }
        String keyWhere = keys.where;
        if (keys.keys.isEmpty()) {
            problems.add("no private key in " + keyWhere + (combined ? " (set keyfile if the key is in a file of its own)" : "")
                    + "; expected a PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY or ENCRYPTED PRIVATE KEY block");
        } else if (keys.keys.size() > 1) {
            problems.add(keyWhere + " holds " + keys.keys.size() + " private keys; keep only the certificate's");
        }
        if (!problems.isEmpty()) {
            return new PemLoad.Refused(problems, warnings);
        }
        X509Certificate leaf = certs.certificates.get(0);
        PrivateKey key = keys.keys.get(0);
        if (!matches(leaf.getPublicKey(), key)) {
            for (int i = 1; i < certs.certificates.size(); i++) {
                if (matches(certs.certificates.get(i).getPublicKey(), key)) {
                    problems.add("certfile " + certfile + ": the server's certificate must come first; the key"
                            + " matches certificate " + (i + 1) + " of " + certs.certificates.size() + " ("
                            + certs.certificates.get(i).getSubjectX500Principal().getName() + ")");
                    return new PemLoad.Refused(problems, warnings);
                }
            }
            problems.add("the private key does not match the certificate's public key (the key in " + keyWhere
                    + ", the first certificate in certfile " + certfile + ": " + key.getAlgorithm()
                    + " key, " + leaf.getPublicKey().getAlgorithm() + " certificate)");
            return new PemLoad.Refused(problems, warnings);
        }
        Instant now = clock.instant();
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            warnings.add("certfile " + certfile + ": the certificate expired on " + day(leaf.getNotAfter().toInstant())
                    + "; clients will refuse it");
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            warnings.add("certfile " + certfile + ": the certificate is not valid before "
                    + leaf.getNotBefore().toInstant() + "; clients will refuse it until then");
        }
        return new PemLoad.Loaded(new PemKeyMaterial(certs.certificates, key), warnings);
    }

    /** The server's certificate first, then the rest of the chain as the file held it. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** The server's certificate. */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** The private key of {@link #leaf()}. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The key's algorithm as TLS key managers name it: {@code RSA} or {@code EC}. */
    public String keyType() {
        return privateKey.getAlgorithm();
    }

    /**
     * The DNS names the certificate serves, lower case: its subject alternative names, or its common
     * name when it has none. A name may be a wildcard ({@code *.example.com}).
     */
    public List<String> hostNames() {
        return hostNames;
    }

    /**
     * Whether the certificate serves {@code host} (as a client sends it in SNI): one of its names
     * equals it, ignoring case and a final dot, or a wildcard {@code *.example.com} covers it with
     * exactly one label ({@code a.example.com}, not {@code example.com} nor {@code a.b.example.com}).
     */
    public boolean serves(String host) {
        String h = normalise(host);
        if (h.isEmpty()) {
            return false;
        }
        for (String name : hostNames) {
            if (name.equals(h)) {
                return true;
            }
            if (name.startsWith("*.")) {
                int dot = h.indexOf('.');
                if (dot > 0 && h.substring(dot + 1).equals(name.substring(2))) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "PemKeyMaterial" + hostNames + " (" + keyType() + ", " + chain.size() + " certificate(s))";
    }

    private static String normalise(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static String day(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }

    private static List<String> hostNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (Integer.valueOf(2).equals(alternative.get(0))) { // dNSName
                        names.add(normalise(String.valueOf(alternative.get(1))));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // an unreadable extension: fall back to the common name, as with none
        }
        if (names.isEmpty()) {
            X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
            for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
                names.add(normalise(IETFUtils.valueToString(rdn.getFirst().getValue())));
            }
        }
        return List.copyOf(names);
    }

    /** Whether {@code key} is the private half of {@code certified}: the public keys are compared. */
    static boolean matches(PublicKey certified, PrivateKey key) {
        if (certified instanceof RSAPublicKey rsa && key instanceof RSAPrivateKey rsaKey) {
            if (!rsa.getModulus().equals(rsaKey.getModulus())) {
                return false;
            }
            return !(key instanceof RSAPrivateCrtKey crt) || crt.getPublicExponent().equals(rsa.getPublicExponent());
        }
        if (!certified.getAlgorithm().equals(key.getAlgorithm())) {
            return false;
        }
        // EC, Ed25519, others: sign with the key, verify with the certificate (for EC the JDK's ECDSA; the
        // exact check, deriving the public point with Bouncy Castle's curve arithmetic, cost a TLS start
        // ~60 ms the first time: its curve tables and primality tests)
        try {
            byte[] probe = "gatehouse key check".getBytes(StandardCharsets.US_ASCII);
            String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : key.getAlgorithm();
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certified);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** The certificates and keys one PEM file holds, in order. */
    private static final class Contents {
        final String where;
        final List<X509Certificate> certificates = new ArrayList<>();
        final List<PrivateKey> keys = new ArrayList<>();

        private Contents(String where) {
            this.where = where;
        }

        static Contents read(String where, Path file, String passphrase, List<String> problems) {
            Contents contents = new Contents(where);
            String text;
            try {
                if (Files.size(file) > MAX_BYTES) {
                    problems.add(where + " is larger than " + MAX_BYTES / 1024 + " KiB; is it the right file?");
                    return contents;
                }
                text = Files.readString(file, StandardCharsets.ISO_8859_1);
            } catch (NoSuchFileException e) {
                problems.add(where + " does not exist");
                return contents;
            } catch (AccessDeniedException e) {
                problems.add(where + " cannot be read: permission denied");
                return contents;
            } catch (IOException e) {
                problems.add(where + " cannot be read: " + (Files.isDirectory(file) ? "it is a directory" : e.getMessage()));
                return contents;
            }
            // the JDK's own certificate factory, the one JSSE uses: Bouncy Castle's provider (slow to make:
            // every algorithm it has is registered) is only made for an encrypted key
            JcaX509CertificateConverter certificates = new JcaX509CertificateConverter();
            JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
            try (PEMParser parser = new PEMParser(new StringReader(text))) {
                Object object;
                while ((object = parser.readObject()) != null) {
                    if (object instanceof X509CertificateHolder holder) {
                        contents.certificates.add(certificates.getCertificate(holder));
                    } else if (object instanceof PEMKeyPair pair) { // PKCS#1 RSA, SEC1 EC
                        contents.keys.add(keys.getPrivateKey(pair.getPrivateKeyInfo()));
                    } else if (object instanceof PrivateKeyInfo info) { // PKCS#8
                        contents.keys.add(keys.getPrivateKey(info));
                    } else if (object instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                        if (needsPassphrase(where, passphrase, problems)) {
                            PrivateKeyInfo info = decrypt(encrypted, passphrase, where, problems);
                            if (info != null) {
                                contents.keys.add(keys.getPrivateKey(info));
                            }
                        }
                    } else if (object instanceof PEMEncryptedKeyPair encrypted) { // Proc-Type: 4,ENCRYPTED
                        if (needsPassphrase(where, passphrase, problems)) {
                            PEMKeyPair pair = decrypt(encrypted, passphrase, where, problems);
                            if (pair != null) {
                                contents.keys.add(keys.getPrivateKey(pair.getPrivateKeyInfo()));
                            }
                        }
                    } else if (!(object instanceof ASN1ObjectIdentifier || object instanceof X9ECParameters)) {
                        // EC PARAMETERS blocks are skipped; anything else is named, not guessed at
                        problems.add(where + " holds a PEM block Gatehouse does not use (" + describe(object)
                                + "); expected certificates and one private key");
                    }
                }
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                problems.add(where + ": a PEM block could not be read (" + reason(e) + ")");
            }
            return contents;
        }

        private static boolean needsPassphrase(String where, String passphrase, List<String> problems) {
            if (passphrase == null || passphrase.isEmpty()) {
                problems.add(where + " is encrypted: set passphrase");
                return false;
            }
            return true;
        }

        private static PrivateKeyInfo decrypt(PKCS8EncryptedPrivateKeyInfo encrypted, String passphrase, String where,
                List<String> problems) {
            char[] secret = passphrase.toCharArray();
            try {
                InputDecryptorProvider decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder()
                        .setProvider(Bc.PROVIDER).build(secret);
                return encrypted.decryptPrivateKeyInfo(decryptor);
            } catch (Exception e) { // a wrong passphrase shows as bad padding or garbage: both say the same
                problems.add(where + ": wrong passphrase");
                return null;
            } finally {
                Arrays.fill(secret, '\0');
            }
        }

        private static PEMKeyPair decrypt(PEMEncryptedKeyPair encrypted, String passphrase, String where,
                List<String> problems) {
            char[] secret = passphrase.toCharArray();
            try {
                return encrypted.decryptKeyPair(new JcePEMDecryptorProviderBuilder()
                        .setProvider(Bc.PROVIDER).build(secret));
            } catch (Exception e) {
                problems.add(where + ": wrong passphrase");
                return null;
            } finally {
                Arrays.fill(secret, '\0');
            }
        }

        private static String describe(Object object) {
            String name = object.getClass().getSimpleName();
            return name.isEmpty() ? "unknown" : name;
        }

        private static String reason(Throwable e) {
            String message = e.getMessage();
            while ((message == null || message.isBlank()) && e.getCause() != null) {
                e = e.getCause();
                message = e.getMessage();
            }
            return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
        }
    }
}
