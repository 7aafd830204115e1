package io.gatehouse.auth.tls;

import io.gatehouse.config.bind.Problem;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.KeyPositions;
import io.gatehouse.config.model.SiteSpec;
import io.gatehouse.config.model.SslSpec;
import io.gatehouse.config.source.SourcePos;
import io.gatehouse.spi.ConfigCheck;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks every TLS site's {@code [ssl]} key material and settings as the listener would load them, so
 * {@code gatehouse check}, the start and a reload report the same problems at the line that caused them:
 * a missing or unreadable file at its {@code certfile}/{@code keyfile} line, a key that does not match its
 * certificate at the {@code keyfile} line (the {@code certfile} line when one file holds both), a wrong
 * passphrase or an encrypted key without one at the {@code passphrase} line (where the key is, when none
 * is written), a protocol or cipher suite this Java runtime lacks at its line: errors. A certificate that
 * expired or is not yet valid is a warning: nginx serves it too.
 */
public final class SslChecks implements ConfigCheck {
    private final Clock clock;

    public SslChecks(Clock clock) {
        this.clock = clock;
    }

    @Override
    public List<Problem> check(GatehouseConfig config) {
        List<Problem> problems = new ArrayList<>();
        for (SiteSpec site : config.sites()) {
            SslSpec ssl = site.ssl();
            if (!ssl.enabled()) {
                continue;
            }
            KeyPositions keys = ssl.keys();
            PemLoad load = PemKeyMaterial.load(ssl.certfile().orElseThrow(), ssl.keyfile().orElse(null),
                    ssl.passphrase().isEmpty() ? null : ssl.passphrase(), clock);
            if (load instanceof PemLoad.Refused refused) {
                for (String problem : refused.problems()) {
                    problems.add(new Problem(where(problem, ssl), Problem.Severity.ERROR, "[ssl] " + problem));
                }
            }
            for (String warning : load.warnings()) {
                problems.add(new Problem(keys.of("certfile"), Problem.Severity.WARNING, "[ssl] " + warning));
            }
            try {
                ServerTls.checkSupported(ListenerTls.specOf(ssl));
            } catch (IllegalArgumentException e) {
                String key = e.getMessage().startsWith("protocols") ? "protocols" : "ciphers";
                problems.add(new Problem(keys.of(key), Problem.Severity.ERROR, "[ssl] " + e.getMessage()));
            }
        }
        return problems;
    }

    /** The line a problem of {@link PemKeyMaterial#load} belongs to. */
    static SourcePos where(String problem, SslSpec ssl) {
        KeyPositions keys = ssl.keys();
        String keyLine = ssl.keyfile().isPresent() ? "keyfile" : "certfile";
        if (problem.endsWith(": wrong passphrase") || problem.endsWith("is encrypted: set passphrase")) {
            return keys.written("passphrase") ? keys.of("passphrase") : keys.of(keyLine);
        }
        if (problem.startsWith("keyfile ") || problem.startsWith("the private key does not match")
                || problem.startsWith("no private key in") || problem.contains(" private keys; keep only")) {
            return keys.of(keyLine);
        }
        return keys.of("certfile");
    }
}
