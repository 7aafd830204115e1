package io.gatehouse.config.bind;

import io.gatehouse.config.model.AdminSpec;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.KeyPositions;
import io.gatehouse.config.model.ListenerSpec;
import io.gatehouse.config.model.SiteSpec;
import io.gatehouse.config.source.EnvSubstitution;
import io.gatehouse.config.source.IniSection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Binds the global {@code [admin]} section: the admin listener's address, its credentials (a user with a
 * bcrypt or PBKDF2 password hash, a bearer token, or both: never neither), the console session's idle
 * timeout, TLS files and the remote JMX port; then checks it against the public listeners, which the
 * admin listener may never share.
 */
final class AdminSectionBinder {
    public static final List<String> KEYS = List.of("ip", "port", "user", "password_hash", "token", "session_timeout",
            "certfile", "keyfile", "passphrase", "jmx_port");
    /** The shortest token accepted: a guessable token would open the whole admin API. */
    static final int MIN_TOKEN_LENGTH = 16;
    static final String HASH_FORMS = "a bcrypt hash ($2b$12$...) or pbkdf2-sha256$ITERATIONS$SALT_BASE64$HASH_BASE64"
            + " (make one with: gatehouse passwd USER)";

    private AdminSectionBinder() {
    }

    /**
     * @param base the directory relative {@code certfile}/{@code keyfile} paths are resolved against
     *             (conf.d's parent, as for {@code [ssl]})
     * @return the spec, or empty when the section has an error that leaves no admin listener to describe
     */
    public static Optional<AdminSpec> bind(IniSection section, Path base, EnvSubstitution env, Problems problems) {
        KeyValues kv = new KeyValues(section, "[admin]", KEYS, env, problems);
        String ip = kv.parse("ip", AdminSpec.DEFAULT_IP, "an IP address", HostPorts::listenAddress);
        int port = kv.parse("port", 0, "a port number 1..65535", v -> HostPorts.port(v, 1));
        boolean ok = true;
        if (!kv.entry("port").isPresent()) {
            kv.error("port", "port is required: the admin listener's port (e.g. port = 9090)");
            ok = false;
        } else if (!kv.given("port")) {
            ok = false;
        }
        Optional<String> user = nonEmpty(kv, "user");
        Optional<String> hash = nonEmpty(kv, "password_hash");
        if (hash.isPresent() && !AdminSpec.isReadableHash(hash.get())) {
            kv.error("password_hash", "password_hash must be " + HASH_FORMS + ", got a value of another form");
            ok = false;
        }
        if (user.isPresent() && hash.isEmpty() && !kv.entry("password_hash").isPresent()) {
            kv.error("user", "user needs password_hash (make one with: gatehouse passwd " + user.get() + ")");
            ok = false;
        } else if (hash.isPresent() && user.isEmpty() && !kv.entry("user").isPresent()) {
            kv.error("password_hash", "password_hash needs user: the name to log in with");
            ok = false;
        }
        Optional<String> token = nonEmpty(kv, "token");
        if (token.isPresent() && token.get().length() < MIN_TOKEN_LENGTH) {
            kv.error("token", "token must be at least " + MIN_TOKEN_LENGTH + " characters, got "
                    + token.get().length() + " (make one with: openssl rand -hex 32)");
            ok = false;
        }
        if (user.isEmpty() && hash.isEmpty() && token.isEmpty() && !kv.entry("user").isPresent()
                && !kv.entry("password_hash").isPresent() && !kv.entry("token").isPresent()) {
            problems.error(section.pos(), "[admin] has neither user with password_hash nor token: no access without"
                    + " credentials");
            ok = false;
        }
        Duration timeout = kv.duration("session_timeout", Duration.ofSeconds(1), AdminSpec.DEFAULT_SESSION_TIMEOUT);
        Optional<Path> certfile = SslSectionBinder.file(kv, "certfile", base);
        Optional<Path> keyfile = SslSectionBinder.file(kv, "keyfile", base);
        if (keyfile.isPresent() && certfile.isEmpty() && !kv.entry("certfile").isPresent()) {
            kv.error("keyfile", "keyfile needs certfile (the admin listener's certificate chain)");
            ok = false;
        }
        int jmx = kv.parse("jmx_port", 0, "a port number 1..65535, or 0 for none", v -> HostPorts.port(v, 0));
        if (jmx != 0 && jmx == port) {
            kv.error("jmx_port", "jmx_port must differ from port (" + port + ")");
            ok = false;
        }
        if (!isLoopback(ip) && certfile.isEmpty() && kv.given("ip")) {
            kv.warning("ip", "ip = " + ip + " is reachable from other hosts and the admin listener has no TLS:"
                    + " passwords, tokens and session cookies would cross the network in clear; set certfile"
                    + " (and keyfile), or keep ip = 127.0.0.1 and use an SSH tunnel");
        }
        if (!ok || user.isPresent() != hash.isPresent() || (user.isEmpty() && token.isEmpty())) {
            return Optional.empty();
        }
        KeyPositions keys = kv.positions();
        return Optional.of(new AdminSpec(section.pos(), new HostPort(ip, port), user, hash, token, timeout, certfile,
                keyfile, kv.string("passphrase", ""), jmx, keys));
    }

    /**
     * Reports the admin listener (and its JMX port) on a public listener's {@code ip:port}: the console
     * must never be served where the sites are.
     */
    public static void checkListeners(AdminSpec admin, List<ListenerSpec> listeners, Problems problems) {
        for (ListenerSpec l : listeners) {
            for (SiteSpec site : l.sites()) {
                if (clash(admin.bind(), l.bind())) {
                    problems.error(admin.keys().of("port"), "[admin] " + admin.bind() + " is the address of the public"
                            + " listener of " + site.file() + "; the admin listener needs an address of its own");
                } else if (admin.jmx() && clash(new HostPort(admin.bind().host(), admin.jmxPort()), l.bind())) {
                    problems.error(admin.keys().of("jmx_port"), "[admin] jmx_port " + admin.jmxPort() + " is the port"
                            + " of the public listener of " + site.file());
                }
                if (site.ssl().redirectHttp().isPresent() && clash(admin.bind(),
                        new HostPort(l.bind().host(), site.ssl().redirectHttp().get()))) {
                    problems.error(admin.keys().of("port"), "[admin] " + admin.bind() + " is the redirect_http"
                            + " address of " + site.file() + "; the admin listener needs an address of its own");
                }
            }
        }
    }

    private static boolean clash(HostPort a, HostPort b) {
        return a.port() == b.port() && (a.host().equals(b.host()) || HostPorts.isWildcard(a.host())
                || HostPorts.isWildcard(b.host()));
    }

    static boolean isLoopback(String ip) {
        return ip.equals("localhost") || ip.equals("::1") || ip.startsWith("127.");
    }

    private static Optional<String> nonEmpty(KeyValues kv, String key) {
        String v = kv.string(key, "");
        if (v.isEmpty()) {
            if (kv.entry(key).isPresent()) {
                kv.error(key, key + " is empty");
            }
            return Optional.empty();
        }
        return Optional.of(v);
    }
}
