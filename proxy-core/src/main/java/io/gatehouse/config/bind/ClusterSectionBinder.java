package io.gatehouse.config.bind;

import io.gatehouse.config.model.ClientCertSpec;
import io.gatehouse.config.model.ClusterCacheSpec;
import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.MemberPolicy;
import io.gatehouse.config.model.MemberSpec;
import io.gatehouse.config.model.MemberTlsSpec;
import io.gatehouse.config.source.EnvSubstitution;
import io.gatehouse.config.source.IniSection;
import io.gatehouse.config.source.Shown;
import io.gatehouse.config.source.SourcePos;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Binds an {@code [@name]} section: an upstream cluster. {@code members} is a comma list of
 * {@code host:port} entries, each optionally followed by {@code weight=N} (1..256), {@code backup} and
 * {@code down}. {@code strategy} names one of {@link #STRATEGIES}; the keys of the members' policy
 * (hash key, health checks, passive health, slow start, retries, overload) are bound by
 * {@link MemberPolicyBinder}, those of the response cache ({@code cache}, {@code cache_key}, {@code cache_valid},
 * {@code cache_use_stale}) by {@link ClusterCacheBinder}.
 * With {@code ssl = yes}, {@code ca = FILE} (a PEM bundle, read here, so that {@code gatehouse check}
 * reports a missing or broken file) and {@code verify = no} say how the members' certificates are checked,
 * and {@code client_cert}, {@code client_key} and {@code client_key_passphrase} which certificate Gatehouse
 * shows members that ask for one (the files are read here for their fingerprint; whether the key opens and
 * matches is the auth module's check).
 * Access control ({@code roles}, {@code ips}) is kept as written and checked by the auth module, and
 * Skitai's database members ({@code type = sqlite3}, ...) are explained, not dropped.
 */
final class ClusterSectionBinder {
    /** The keys, in the order docs/configuration.md lists them. */
    public static final List<String> KEYS = List.of("members", "ssl", "ca", "verify", "client_cert",
            "client_key", "client_key_passphrase", "strategy", "hash_key",
            "resolve_interval", "roles", "ips", "health", "health_interval", "health_timeout", "rise", "fall",
            "health_status", "health_host", "max_fails", "fail_timeout", "fail_on", "slow_start", "retries",
            "retry_body_max", "retry_timeout", "max_connections", "max_queue", "queue_timeout", "cache", "cache_key",
            "cache_valid", "cache_use_stale", "type");
    public static final String DEFAULT_STRATEGY = "round_robin";
    /**
     * The names {@code strategy =} accepts, in the order the docs list them. {@code Strategies} (in
     * {@code upstream.balance}) must implement each of them: the runtime looks the name up there.
     */
    public static final List<String> STRATEGIES = List.of("round_robin", "least_conn", "ip_hash", "consistent_hash",
            "random_two", "ewma");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
    /** A client certificate and its key are a few KiB; larger files are refused. */
    private static final long MAX_PEM_BYTES = 1024 * 1024;

    private ClusterSectionBinder() {
    }

    /** True when {@code name} (without the {@code @}) is a valid cluster name. */
    public static boolean isValidName(String name) {
        return NAME.matcher(name).matches();
    }

    /**
     * Binds {@code section}, whose name is {@code @name}; gives nothing when the name itself is invalid.
     *
     * @param base the directory a relative {@code ca} file is read from (conf.d's parent, as for static directories)
     */
    public static Optional<BoundCluster> bind(IniSection section, Path base, EnvSubstitution env, Problems problems) {
        String name = section.name().substring(1).strip();
        if (!isValidName(name)) {
            problems.error(section.pos(), "bad cluster name " + Shown.of(section.name())
                    + "; expected [@name] with up to 100 letters, digits, '_', '.' or '-'");
            return Optional.empty();
        }
        String label = "[@" + name + "]";
        KeyValues kv = new KeyValues(section, label, KEYS, env, problems);
        if (kv.entry("type").isPresent()) {
            kv.error("type", "type = " + kv.string("type", "") + ": database members are not a proxy's job;"
                    + " let the application connect to its database itself and remove this section");
            return Optional.of(new BoundCluster(name, section.pos(), Optional.empty(), false));
        }
        boolean ssl = kv.bool("ssl", false);
        MemberTlsSpec trust = trust(kv, ssl, base);
        String strategy = kv.parse("strategy", DEFAULT_STRATEGY, "one of " + String.join(", ", STRATEGIES), value -> {
            String known = value.toLowerCase(Locale.ROOT);
            if (!STRATEGIES.contains(known)) {
                throw new BadValueException(null);
            }
            return known;
        });
        MemberPolicy policy = MemberPolicyBinder.bind(kv,
                kv.given("strategy") || kv.entry("strategy").isEmpty() ? Optional.of(strategy) : Optional.empty());
        ClusterCacheSpec cache = ClusterCacheBinder.bind(kv);
        Duration resolveInterval = kv.duration("resolve_interval", Duration.ZERO, ClusterSpec.DEFAULT_RESOLVE_INTERVAL);
        if (!resolveInterval.isZero() && resolveInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            kv.error("resolve_interval", "resolve_interval must be 0 (names looked up only at load) or at least 1s, got "
                    + KeyValues.got(kv.string("resolve_interval", "")));
            resolveInterval = ClusterSpec.DEFAULT_RESOLVE_INTERVAL;
        }
        List<String> roles = kv.list("roles");
        List<String> ips = kv.list("ips");
        List<MemberSpec> members = members(kv, ssl ? 443 : 80, problems);
        if (members.isEmpty()) {
            return Optional.of(new BoundCluster(name, section.pos(), Optional.empty(), true));
        }
        if (members.stream().allMatch(MemberSpec::down)) {
            kv.warning("members", "every member of @" + name + " is down: it answers 503");
        }
        return Optional.of(new BoundCluster(name, section.pos(),
                Optional.of(new ClusterSpec(section.pos(), name, members, ssl, strategy, roles, ips,
                        resolveInterval, trust, policy, cache, kv.positions())), true, ClusterCacheBinder.written(kv)));
    }

    /** How the members' certificates are checked ({@link #checks}), and the client certificate shown ({@link #clientCert}). */
    private static MemberTlsSpec trust(KeyValues kv, boolean ssl, Path base) {
        MemberTlsSpec checks = checks(kv, ssl, base);
        return clientCert(kv, ssl, base).map(checks::withClient).orElse(checks);
    }

    /**
     * {@code ca} and {@code verify}. A {@code ca} without {@code ssl = yes} is an error, since the members
     * would be reached in plain text by an operator who meant them checked; a {@code verify} without it
     * is harmless and only warned about, as is a {@code ca} that {@code verify = no} leaves unused (the
     * file is still read, so that a broken one is found before it is needed).
     */
    private static MemberTlsSpec checks(KeyValues kv, boolean ssl, Path base) {
        boolean verify = kv.bool("verify", true);
        Optional<KeyValues.Entry> ca = kv.entry("ca");
        if (!ssl) {
            if (ca.isPresent()) {
                kv.error("ca", "ca is set but ssl is no: the members would be reached in plain text, unchecked;"
                        + " add ssl = yes, or remove ca");
            } else if (kv.entry("verify").isPresent()) {
                kv.warning("verify", "verify applies only with ssl = yes; ignored");
            }
            return MemberTlsSpec.SYSTEM;
        }
        if (ca.isEmpty()) {
            return verify ? MemberTlsSpec.SYSTEM : MemberTlsSpec.UNVERIFIED;
        }
        String written = ca.get().value();
        if (written.isBlank()) {
            kv.error("ca", "ca must be a PEM file of CA certificates, got \"\"");
            return MemberTlsSpec.SYSTEM;
        }
        List<X509Certificate> certificates;
        Path file;
        try {
            file = base.resolve(written).normalize();
            certificates = PemCertificates.read(file);
        } catch (InvalidPathException e) {
            kv.error("ca", "ca must be a PEM file of CA certificates, got " + Shown.of(written));
            return MemberTlsSpec.SYSTEM;
        } catch (BadValueException e) {
            kv.error("ca", e.getMessage());
            return MemberTlsSpec.SYSTEM;
        }
        if (!verify) {
            kv.warning("ca", "ca is not used while verify = no: no member certificate is checked");
            return MemberTlsSpec.UNVERIFIED;
        }
        return MemberTlsSpec.ca(file, certificates);
    }

    /**
     * {@code client_cert}, {@code client_key} and {@code client_key_passphrase}. Like {@code ca}, they are
     * an error without {@code ssl = yes}; {@code client_key} or a passphrase without {@code client_cert} is
     * an error too (there would be no certificate to show). The files are read for their fingerprint, so
     * that a renewed certificate makes new connections at the next load.
     */
    private static Optional<ClientCertSpec> clientCert(KeyValues kv, boolean ssl, Path base) {
        Optional<KeyValues.Entry> cert = kv.entry("client_cert");
        if (!ssl) {
            for (String key : List.of("client_cert", "client_key", "client_key_passphrase")) {
                if (kv.entry(key).isPresent()) {
                    kv.error(key, key + " is set but ssl is no: the members would be reached in plain text;"
                            + " add ssl = yes, or remove " + key);
                }
            }
            return Optional.empty();
        }
        if (cert.isEmpty()) {
            for (String key : List.of("client_key", "client_key_passphrase")) {
                if (kv.entry(key).isPresent()) {
                    kv.error(key, key + " is set without client_cert; add client_cert = FILE (the certificate"
                            + " shown to the members), or remove " + key);
                }
            }
            return Optional.empty();
        }
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
        Optional<Path> certFile = pemFile(kv, "client_cert", "a PEM file with the certificate shown to members", base,
                digest);
        Optional<Path> keyFile = Optional.empty();
        if (kv.entry("client_key").isPresent()) {
            keyFile = pemFile(kv, "client_key", "a PEM file with the client certificate's private key", base, digest);
            if (keyFile.isEmpty()) {
                return Optional.empty();
            }
        }
        if (certFile.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ClientCertSpec(certFile.get(), keyFile.filter(k -> !k.equals(certFile.get())),
                kv.string("client_key_passphrase", ""), HexFormat.of().formatHex(digest.digest())));
    }

    /** The file {@code key} names, its bytes added to {@code digest}; empty (and an error) when it cannot be read. */
    private static Optional<Path> pemFile(KeyValues kv, String key, String expected, Path base, MessageDigest digest) {
        String written = kv.string(key, "");
        Path file;
        try {
            if (written.isBlank()) {
                throw new InvalidPathException(written, "empty");
            }
            file = base.resolve(written).normalize();
        } catch (InvalidPathException e) {
            kv.error(key, key + " must be " + expected + ", got " + Shown.of(written));
            return Optional.empty();
        }
        try {
            if (Files.isDirectory(file)) {
                kv.error(key, key + " file " + file + " is a directory; expected " + expected);
                return Optional.empty();
            }
            if (Files.size(file) > MAX_PEM_BYTES) {
                kv.error(key, key + " file " + file + " is larger than 1 MiB; expected " + expected);
                return Optional.empty();
            }
            digest.update(Files.readAllBytes(file));
            return Optional.of(file);
        } catch (NoSuchFileException e) {
            kv.error(key, key + " file " + file + " does not exist");
        } catch (AccessDeniedException e) {
            kv.error(key, "cannot read " + key + " file " + file + ": permission denied");
        } catch (IOException e) {
            kv.error(key, "cannot read " + key + " file " + file + ": " + e.getMessage());
        }
        return Optional.empty();
    }

    private static List<MemberSpec> members(KeyValues kv, int defaultPort, Problems problems) {
        Optional<KeyValues.Entry> entry = kv.entry("members");
        if (entry.isEmpty()) {
            kv.error("members", "members is required, e.g. members = 10.0.0.1:8080, 10.0.0.2:8080");
            return List.of();
        }
        SourcePos pos = entry.get().pos();
        String value = entry.get().value();
        if (value.isBlank()) {
            kv.error("members", "members is empty; expected e.g. members = 10.0.0.1:8080, 10.0.0.2:8080");
            return List.of();
        }
        List<MemberSpec> members = new ArrayList<>();
        Map<HostPort, Boolean> seen = new HashMap<>();
        boolean bad = false;
        for (String item : value.split(",", -1)) {
            if (item.isBlank()) {
                kv.error("members", "members has an empty entry in " + Shown.of(value));
                bad = true;
                continue;
            }
            Optional<MemberSpec> member = member(kv, pos, item.strip(), defaultPort);
            if (member.isEmpty()) {
                bad = true;
                continue;
            }
            HostPort address = member.get().address();
            if (seen.put(address, Boolean.TRUE) != null) {
                kv.error("members", "member " + address + " is listed twice");
                bad = true;
                continue;
            }
            members.add(member.get());
        }
        return bad ? List.of() : members;
    }

    private static Optional<MemberSpec> member(KeyValues kv, SourcePos pos, String item, int defaultPort) {
        String[] tokens = item.split("\\s+");
        HostPort address;
        try {
            address = HostPorts.parse(tokens[0], defaultPort);
        } catch (BadValueException e) {
            kv.error("members", "member must be " + e.getMessage() + ", got " + Shown.of(tokens[0]));
            return Optional.empty();
        }
        Integer weight = null;
        boolean backup = false;
        boolean down = false;
        boolean ok = true;
        for (int i = 1; i < tokens.length; i++) {
            String token = tokens[i].toLowerCase(Locale.ROOT);
            if (token.startsWith("weight=")) {
                String n = token.substring("weight=".length());
                if (weight != null) {
                    kv.error("members", "member " + address + " has weight twice");
                    ok = false;
                } else if (!n.matches("[0-9]{1,9}") || Integer.parseInt(n) < 1 || Integer.parseInt(n) > 256) {
                    kv.error("members", "weight must be 1..256, got " + KeyValues.got(n));
                    weight = 1;
                    ok = false;
                } else {
                    weight = Integer.parseInt(n);
                }
            } else if (token.equals("backup")) {
                if (backup) {
                    kv.error("members", "member " + address + " has backup twice");
                    ok = false;
                }
                backup = true;
            } else if (token.equals("down")) {
                if (down) {
                    kv.error("members", "member " + address + " has down twice");
                    ok = false;
                }
                down = true;
            } else {
                kv.error("members", "unknown member option " + Shown.of(tokens[i]) + " after " + address
                        + "; expected weight=N, backup or down (entries are separated by commas)");
                ok = false;
            }
        }
        return ok ? Optional.of(new MemberSpec(pos, address, weight == null ? 1 : weight, backup, down))
                : Optional.empty();
    }
}
