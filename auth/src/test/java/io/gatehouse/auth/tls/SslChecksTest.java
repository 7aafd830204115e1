package io.gatehouse.auth.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatehouse.config.model.KeyPositions;
import io.gatehouse.config.model.SslSpec;
import io.gatehouse.config.source.SourcePos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SslChecksTest {

    /** An [ssl] section at a.conf:3 with certfile on line 5, keyfile on 6 (when separate) and passphrase on 7 (when written). */
    private static SslSpec ssl(boolean separateKey, boolean passphrase) {
        Map<String, SourcePos> keys = new HashMap<>();
        keys.put("certfile", new SourcePos("a.conf", 5));
        if (separateKey) {
            keys.put("keyfile", new SourcePos("a.conf", 6));
        }
        if (passphrase) {
            keys.put("passphrase", new SourcePos("a.conf", 7));
        }
        return new SslSpec(new SourcePos("a.conf", 3), true, Optional.of(Path.of("/k/s.crt")),
                separateKey ? Optional.of(Path.of("/k/s.key")) : Optional.empty(), passphrase ? "x" : "", List.of(),
                List.of(), true, Optional.empty(), Duration.ZERO, new KeyPositions(new SourcePos("a.conf", 3), keys));
    }

    @ParameterizedTest(name = "{0} (keyfile: {1}, passphrase written: {2}) → line {3}")
    @CsvSource(delimiter = '|', value = {
        "certfile /k/s.crt does not exist                                    | true  | false | 5",
        "keyfile /k/s.key does not exist                                     | true  | false | 6",
        "keyfile /k/s.key cannot be read: permission denied                  | true  | false | 6",
        "keyfile /k/s.key: wrong passphrase                                  | true  | true  | 7",
        "keyfile /k/s.key is encrypted: set passphrase                       | true  | false | 6",
        "certfile /k/s.crt is encrypted: set passphrase                      | false | false | 5",
        "certfile /k/s.crt: wrong passphrase                                 | false | true  | 7",
        "the private key does not match the certificate's public key (...)   | true  | false | 6",
        "the private key does not match the certificate's public key (...)   | false | false | 5",
        "no private key in certfile /k/s.crt (set keyfile ...)               | false | false | 5",
        "keyfile /k/s.key holds 2 private keys; keep only the certificate's  | true  | false | 6",
        "no certificate in certfile /k/s.crt; expected ...                   | true  | false | 5",
        "certfile /k/s.crt: the server's certificate must come first; ...    | true  | false | 5",
    })
    void eachProblemIsReportedAtTheLineThatCausedIt(String problem, boolean separateKey, boolean passphrase, int line) {
        assertEquals(line, SslChecks.where(problem.strip(), ssl(separateKey, passphrase)).line());
    }
}
