package io.gatehouse.app;

import io.gatehouse.auth.tls.PemKeyMaterial;
import io.gatehouse.auth.tls.PemLoad;
import io.gatehouse.auth.tls.SelfSigned;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code gatehouse cert HOST... [--out DIR] [--rsa] [--force]}: writes a self-signed certificate and key
 * for trying TLS out (what one would otherwise do with {@code openssl req -x509 -newkey ...}) and prints
 * the {@code [ssl]} lines that serve them. Existing files are kept unless {@code --force}.
 */
final class CertCommand {
    /** Where the files go without {@code --out}. */
    static final Path DEFAULT_DIR = Path.of("certs");

    private CertCommand() {
    }

    /**
     * @param args the arguments after {@code cert}
     * @return 0 when written, 1 when the files exist or cannot be written, 2 for bad arguments
     */
    static int run(List<String> args, PrintStream out, PrintStream err, Clock clock, SecureRandom random) {
        Path dir = DEFAULT_DIR;
        boolean force = false;
        SelfSigned.KeyKind kind = SelfSigned.KeyKind.EC_P256;
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--force")) {
                force = true;
            } else if (arg.equals("--rsa")) {
                kind = SelfSigned.KeyKind.RSA_2048;
            } else if (arg.equals("--out") || arg.startsWith("--out=")) {
                String value = arg.startsWith("--out=") ? arg.substring("--out=".length())
                        : ++i < args.size() ? args.get(i) : "";
                try {
                    if (value.isEmpty()) {
                        throw new InvalidPathException(value, "empty");
                    }
                    dir = Path.of(value);
                } catch (InvalidPathException e) {
                    err.println("gatehouse: --out needs a directory");
                    return 2;
                }
            } else if (arg.startsWith("-")) {
                err.println("gatehouse: unknown option " + arg + " (gatehouse cert --help lists them)");
                return 2;
            } else {
                hosts.add(arg);
            }
        }
        if (hosts.isEmpty()) {
            err.println("gatehouse: cert needs at least one host name or IP address,"
                    + " e.g. gatehouse cert localhost 127.0.0.1");
            return 2;
        }
        String base = hosts.get(0).strip().toLowerCase(Locale.ROOT).replace('*', '_').replace(':', '_');
        if (!force) {
            for (Path existing : List.of(dir.resolve(base + ".crt"), dir.resolve(base + ".key"))) {
                if (Files.exists(existing)) {
                    err.println("gatehouse: " + existing + " exists; not replacing it (add --force to replace it,"
                            + " or --out DIR to write elsewhere)");
                    return 1;
                }
            }
        }
        SelfSigned.Written written;
        try {
            written = new SelfSigned(clock, random).write(dir, hosts, kind);
        } catch (IllegalArgumentException e) {
            err.println("gatehouse: " + e.getMessage());
            return 2;
        } catch (UncheckedIOException e) {
            err.println("gatehouse: " + e.getMessage());
            return 1;
        }
        Path certfile = written.certfile().toAbsolutePath().normalize();
        Path keyfile = written.keyfile().toAbsolutePath().normalize();
        PemLoad load = PemKeyMaterial.load(certfile, keyfile, null, clock);
        if (!(load instanceof PemLoad.Loaded loaded)) { // a bug: what was written does not read back
            err.println("gatehouse: the certificate written cannot be read back: " + ((PemLoad.Refused) load).problems());
            return 1;
        }
        out.println("wrote a self-signed certificate for " + String.join(", ", hosts) + " ("
                + (kind == SelfSigned.KeyKind.EC_P256 ? "EC P-256" : "RSA 2048") + "), valid until "
                + loaded.material().leaf().getNotAfter().toInstant().truncatedTo(ChronoUnit.SECONDS));
        out.println("  certificate: " + certfile);
        out.println("  key:         " + keyfile + " (readable by its owner only)");
        out.println();
        out.println("Put these lines in the site's .conf file:");
        out.println();
        out.println("[ssl]");
        out.println("enable_ssl = yes");
        out.println("certfile = " + certfile);
        out.println("keyfile = " + keyfile);
        out.println();
        out.println("No CA signed it: browsers warn, and curl needs --cacert " + certfile + ". For tests, not for sites.");
        return 0;
    }
}
