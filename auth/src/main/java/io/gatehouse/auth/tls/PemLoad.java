package io.gatehouse.auth.tls;

import java.util.List;
import java.util.Objects;

/**
 * What reading an {@code [ssl]} certificate and key gave: the material to serve, or the reasons it
 * cannot be served, each in an operator's words ({@code keyfile /etc/gatehouse/server.key: wrong
 * passphrase}) ready for {@code gatehouse check} to put its {@code file:line:} in front of. Warnings
 * (an expired certificate) come with either: nginx serves such a certificate too, so it still loads.
 */
public sealed interface PemLoad permits PemLoad.Loaded, PemLoad.Refused {

    /** Things worth telling the operator that do not stop the certificate from being served. */
    List<String> warnings();

    /** The certificate chain and key, ready to serve. */
    record Loaded(PemKeyMaterial material, List<String> warnings) implements PemLoad {
        public Loaded {
            Objects.requireNonNull(material, "material");
            warnings = List.copyOf(warnings);
        }
    }

    /** Why the certificate and key cannot be served: at least one problem. */
    record Refused(List<String> problems, List<String> warnings) implements PemLoad {
        public Refused {
            problems = List.copyOf(problems);
            warnings = List.copyOf(warnings);
            if (problems.isEmpty()) {
                throw new IllegalArgumentException("a refusal needs at least one problem");
            }
        }
    }
}
