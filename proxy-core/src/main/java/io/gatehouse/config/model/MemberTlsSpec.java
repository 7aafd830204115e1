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
 * any certificate. With {@code client_cert} ({@link ClientCertSpec}) Gatehouse also shows a certificate of
 * its own to members that ask for one.
 *
 * <p>Specs are equal when they check the same way against the same certificates and show the same
 * client certificate: connections to a member are shared only between clusters whose specs are equal.
 *
 * @param verify         false for {@code verify = no}: any certificate is taken, for any name
 * @param caFile         the {@code ca} file (resolved as loaded); empty for the system trust store
 * @param caCertificates the certificates the file held when the configuration was loaded; empty without a file
 * @param client         the client certificate shown to members; empty for none
 */
public record MemberTlsSpec(boolean verify, Optional<Path> caFile, List<X509Certificate> caCertificates,
                            Optional<ClientCertSpec> client) {
    /** The default: the JVM's trust store, and the member's name checked. */
    public static final MemberTlsSpec SYSTEM = new MemberTlsSpec(true, Optional.empty(), List.of());
    /** {@code verify = no}. */
    public static final MemberTlsSpec UNVERIFIED = new MemberTlsSpec(false, Optional.empty(), List.of());

    public MemberTlsSpec {
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(client, "client");
        caCertificates = List.copyOf(caCertificates);
        if (caFile.isPresent() == caCertificates.isEmpty()) {
            throw new IllegalArgumentException("a ca file comes with its certificates, and only with it");
        }
        if (!verify && caFile.isPresent()) {
            throw new IllegalArgumentException("verify = no checks no certificate: no ca file");
        }
    }

    // equals and hashCode written out, with the meaning a record's would have: the generated ones link an
    // invokedynamic bootstrap on first use, ~20 ms of CPU for the first record hashed at a start (see HostPort)
    @Override
    public boolean equals(Object o) {
        return o instanceof MemberTlsSpec other && verify == other.verify && caFile.equals(other.caFile)
                && caCertificates.equals(other.caCertificates) && client.equals(other.client);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Boolean.hashCode(verify) + caFile.hashCode()) + caCertificates.hashCode())
                + client.hashCode();
    }

    /** Checks without a client certificate. */
    public MemberTlsSpec(boolean verify, Optional<Path> caFile, List<X509Certificate> caCertificates) {
        this(verify, caFile, caCertificates, Optional.empty());
    }

    /** These checks, showing {@code cert} to members that ask for a client certificate. */
    public MemberTlsSpec withClient(ClientCertSpec cert) {
        return new MemberTlsSpec(verify, caFile, caCertificates, Optional.of(cert));
    }

    /** {@code ca = file}: members' certificates must chain to one of {@code certificates}, read from {@code file}. */
    public static MemberTlsSpec ca(Path file, List<X509Certificate> certificates) {
        return new MemberTlsSpec(true, Optional.of(file), certificates);
    }

    /** What certificates are checked against, for messages: {@code the system trust store} or {@code ca FILE}. */
    public String trustSource() {
        return caFile.map(f -> "ca " + f).orElse("the system trust store");
    }

    /**
     * How it differs from the default, for naming a member: "", {@code (ca FILE)}, {@code (verify = no)},
     * with {@code client_cert FILE} after either when there is one, e.g. {@code (ca FILE, client_cert FILE)}.
     */
    public String describe() {
        String checks = !verify ? "verify = no" : caFile.map(f -> "ca " + f).orElse("");
        String shown = client.map(c -> "client_cert " + c.certFile()).orElse("");
        String both = checks.isEmpty() || shown.isEmpty() ? checks + shown : checks + ", " + shown;
        return both.isEmpty() ? "" : "(" + both + ")";
    }
}
