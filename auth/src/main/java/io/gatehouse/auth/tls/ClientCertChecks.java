package io.gatehouse.auth.tls;

import io.gatehouse.config.bind.Problem;
import io.gatehouse.config.model.ClientCertSpec;
import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.KeyPositions;
import io.gatehouse.config.source.SourcePos;
import io.gatehouse.spi.ConfigCheck;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks the client certificates clusters show their members, as {@code gatehouse check}, the start and
 * a reload load them: a file that cannot be read, a key that does not open with
 * {@code client_key_passphrase} or does not match the certificate is an error at the key's
 * {@code file:line}; a certificate outside its validity, or one not made for client authentication,
 * is a warning (it is still shown; the member decides).
 */
public final class ClientCertChecks implements ConfigCheck {
    /** Extended key usage {@code id-kp-clientAuth}, and {@code anyExtendedKeyUsage}. */
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_USAGE = "2.5.29.37.0";

    private final Clock clock;

    /** @param clock the time certificates' validity is checked against */
    public ClientCertChecks(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public List<Problem> check(GatehouseConfig config) {
        List<Problem> problems = new ArrayList<>();
        for (ClusterSpec cluster : config.clusters().values()) {
            Optional<ClientCertSpec> cert = cluster.trust().client();
            if (cluster.ssl() && cert.isPresent()) {
                check(cluster, cert.get(), problems);
            }
        }
        return problems;
    }

    private void check(ClusterSpec cluster, ClientCertSpec cert, List<Problem> problems) {
        String label = "[@" + cluster.name() + "] ";
        KeyPositions keys = cluster.keys();
        PemLoad load = PemClientKeys.load(cert, clock);
        if (load instanceof PemLoad.Refused refused) {
            for (String problem : refused.problems()) {
                problems.add(new Problem(where(problem, keys), Problem.Severity.ERROR, label + reworded(problem)));
            }
        } else {
            X509Certificate leaf = ((PemLoad.Loaded) load).material().leaf();
            if (!forClients(leaf)) {
                problems.add(new Problem(keys.of("client_cert"), Problem.Severity.WARNING, label + "client_cert "
                        + cert.certFile() + ": the certificate is not for client authentication (its extended key"
                        + " usage has no clientAuth); members that check it will refuse it"));
            }
        }
        for (String warning : load.warnings()) {
            problems.add(new Problem(keys.of("client_cert"), Problem.Severity.WARNING, label + reworded(warning)));
        }
    }

    /** The line a problem belongs to: the passphrase's, the key's, else the certificate's. */
    private static SourcePos where(String problem, KeyPositions keys) {
        String key = keys.written("client_key") ? "client_key" : "client_cert";
        if (problem.contains("wrong passphrase")) {
            return keys.of(keys.written("client_key_passphrase") ? "client_key_passphrase" : key);
        }
        if (problem.startsWith("keyfile ") || problem.contains("private key")) {
            return keys.of(key);
        }
        return keys.of("client_cert");
    }

    /** {@link PemKeyMaterial}'s messages in the words of a cluster's keys, for a certificate shown to members. */
    static List<String> reworded(List<String> problems) {
        return problems.stream().map(ClientCertChecks::reworded).toList();
    }

    static String reworded(String message) {
        return message.replaceAll("\\bcertfile\\b", "client_cert")
                .replaceAll("\\bkeyfile\\b", "client_key")
                .replace("set passphrase", "set client_key_passphrase")
                .replace("the server's certificate must come first", "the client certificate must come first")
                .replace("clients will refuse it", "members that check it will refuse it");
    }

    private static boolean forClients(X509Certificate certificate) {
        try {
            List<String> usages = certificate.getExtendedKeyUsage();
            return usages == null || usages.contains(CLIENT_AUTH) || usages.contains(ANY_USAGE);
        } catch (CertificateParsingException e) {
            return true; // an unreadable extension is the member's to judge
        }
    }
}
