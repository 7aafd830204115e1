package io.gatehouse.config.model;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How Gatehouse checks the certificate of a member it reaches over TLS ({@code ssl = yes} clusters and
 * {@code https://} route targets): the {@code ca} and {@code verify} keys of an {@code [@name]} cluster.
 * By default the certificate must chain to the JVM's trust store and name the member's host as the
 * configuration writes it (RFC 9110 §4.3.4, RFC 6125; the name is also sent as SNI); with
 * {@code ca = FILE} it must chain to a certificate of that PEM file instead; {@code verify = no} takes
 * any certificate.
 *
 * <p>Specs are equal when they check the same way against the same certificates: connections to a
 * member are shared only between clusters whose specs are equal.
 *
 * @param verify         false for {@code verify = no}: any certificate is taken, for any name
 * @param caFile         the {@code ca} file (resolved as loaded); empty for the system trust store
 * @param caCertificates the certificates the file held when the configuration was loaded; empty without a file
 */
public record MemberTlsSpec(boolean verify, Optional<Path> caFile, List<X509Certificate> caCertificates) {
    /** The default: the JVM's trust store, and the member's name checked. */
    public static final MemberTlsSpec SYSTEM = new MemberTlsSpec(true, Optional.empty(), List.of());
    /** {@code verify = no}. */
    public static final MemberTlsSpec UNVERIFIED = new MemberTlsSpec(false, Optional.empty(), List.of());

    public MemberTlsSpec {
        Objects.requireNonNull(caFile, "caFile");
        caCertificates = List.copyOf(caCertificates);
        if (caFile.isPresent() == caCertificates.isEmpty()) {
            throw new IllegalArgumentException("a ca file comes with its certificates, and only with it");
        }
        if (!verify && caFile.isPresent()) {
            throw new IllegalArgumentException("verify = no checks no certificate: no ca file");
        }
    }

    /** {@code ca = file}: members' certificates must chain to one of {@code certificates}, read from {@code file}. */
    public static MemberTlsSpec ca(Path file, List<X509Certificate> certificates) {
        return new MemberTlsSpec(true, Optional.of(file), certificates);
    }

    /** What certificates are checked against, for messages: {@code the system trust store} or {@code ca FILE}. */
    public String trustSource() {
        return caFile.map(f -> "ca " + f).orElse("the system trust store");
    }

    /** How it differs from the default, for naming a member: "", {@code (ca FILE)} or {@code (verify = no)}. */
    public String describe() {
        if (!verify) {
            return "(verify = no)";
        }
        return caFile.map(f -> "(ca " + f + ")").orElse("");
    }
}
