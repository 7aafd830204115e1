package io.gatehouse.config.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.ConfDirFixture;
import io.gatehouse.upstream.TestCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every error and warning the loader can give, each with its exact {@code file:line: message}. Each case
 * writes a small {@code conf.d}, loads it and compares the whole problem list, so a case also proves
 * that the problem is not followed by spurious ones. {@code @D} is the conf.d directory, {@code @T} its
 * parent.
 */
class ConfLoaderErrorsTest {
    /** A route section that is valid on its own (the default group of a site). */
    static final String ROUTES = "[routes:line]\n/ = return 200 OK\n";

    record Case(String name, Consumer<ConfDirFixture> setup, Map<String, String> env, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case of(String name, String conf, String... expected) {
        return new Case(name, f -> f.file("a.conf", conf), Map.of(), List.of(expected));
    }

    static Case files(String name, Consumer<ConfDirFixture> setup, String... expected) {
        return new Case(name, setup, Map.of(), List.of(expected));
    }

    static Stream<Case> sourceCases() {
        return Stream.of(
                files("no *.conf file, only other names", f -> f.file("a.conf.disabled", ROUTES).file(".a.conf.swp", "x"),
                        "@D: no *.conf file in the configuration directory"),
                files("a file saved as Latin-1", f -> f.bytes("a.conf",
                                ("[server]\nname = caf\u00e9\n" + ROUTES).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)),
                        "@D/a.conf:2: byte 0xE9 at column 11 is not UTF-8; configuration files are UTF-8: save the file"
                                + " as UTF-8"),
                of("an unclosed section header", "[server\nport = 1\n" + ROUTES,
                        "@D/a.conf:1: malformed section header \"[server\"; expected [name] alone on the line"),
                of("text after a section header", "[server] port = 1\n" + ROUTES,
                        "@D/a.conf:1: malformed section header \"[server] port = 1\"; expected [name] alone on the line"),
                of("an empty section name", "[ ]\nx = 1\n" + ROUTES,
                        "@D/a.conf:1: empty section name []"),
                of("lines before the first section", "\n; comment\nport = 5000\nip = 1.2.3.4\n" + ROUTES,
                        "@D/a.conf:3: line outside any section: \"port = 5000\"; a file starts with a [section] header"),
                of("a line that is not key = value", "[server]\nport 5000\n" + ROUTES,
                        "@D/a.conf:2: [server] expected key = value, got \"port 5000\""),
                of("a line with an empty key", "[server]\n= 5000\n" + ROUTES,
                        "@D/a.conf:2: [server] expected key = value, got \"= 5000\""),
                of("an unknown key", "[server]\nprot = 5000\n" + ROUTES,
                        "@D/a.conf:2: [server] unknown key \"prot\"; known keys: ip, port, name, threads, processes, h2c, trusted_proxies"),
                of("a duplicate key, case-insensitively", "[server]\nport = 5000\nPORT = 5001\n" + ROUTES,
                        "@D/a.conf:3: [server] duplicate key port (first at @D/a.conf:2)"),
                of("the same section twice in one file", "[server]\nport = 5000\n[server]\nport = 5001\n" + ROUTES,
                        "@D/a.conf:3: section [server] is already defined at @D/a.conf:1"),
                of("[routes:line] and [route:line] in one file", ROUTES + "[route:line]\n/x = return 204\n",
                        "@D/a.conf:3: section [route:line] is already defined at @D/a.conf:1"),
                of("an unknown section", "[serverr]\nport = 1\n" + ROUTES,
                        "@D/a.conf:1: unknown section \"[serverr]\"; known sections: [server], [ssl], [tunefactors],"
                                + " [api-gateway], [routes:line], [@name], [proxypass], [log], [admin]"),
                of("Skitai's [crontab:line]", ROUTES + "[crontab:line]\n*/2 * * * * /home/apps/monitor.py\n",
                        "@D/a.conf:3: [crontab:line] scheduled jobs are not a proxy's job; use cron or systemd timers"
                                + " and remove this section"),
                of("Skitai's [smtpda]", ROUTES + "[smtpda]\nsmtpserver = mail.example.com\n",
                        "@D/a.conf:3: [smtpda] mail delivery is not a proxy's job; send mail through the system MTA"
                                + " (postfix, sendmail) and remove this section"),
                of("[admin] without credentials", ROUTES + "[admin]\nport = 9000\n",
                        "@D/a.conf:3: [admin] has neither user with password_hash nor token: no access without"
                                + " credentials"),
                of("a file without [routes:line]", "[server]\nport = 5000\n",
                        "@D/a.conf: no [routes:line] section: this site would answer nothing (a file with [server],"
                                + " [ssl], [tunefactors] or [api-gateway] is a site; a file of only clusters and global"
                                + " sections is not)"),
                of("a route section without route lines", "[routes:line]\n; nothing yet\n",
                        "@D/a.conf:1: [routes:line] has no route lines: this site would answer nothing"),
                of("an empty file", "",
                        "@D/a.conf: no [routes:line] section: this site would answer nothing (a file with [server],"
                                + " [ssl], [tunefactors] or [api-gateway] is a site; a file of only clusters and global"
                                + " sections is not)"),
                of("only global sections, no site anywhere", "[log]\ndir = x\n",
                        "@D: no site: no file has a [routes:line] section, so Gatehouse would answer nothing"));
    }

    static Stream<Case> envCases() {
        return Stream.of(
                new Case("an unset ${VAR}", f -> f.file("a.conf", "[server]\nname = ${SITE_NAME}\n" + ROUTES),
                        Map.of(), List.of("@D/a.conf:2: environment variable SITE_NAME is not set")),
                new Case("an unset %(VAR)s", f -> f.file("a.conf", "[api-gateway]\nsecret_key = %(JWT_KEY)s\n" + ROUTES),
                        Map.of("OTHER", "x"), List.of("@D/a.conf:2: environment variable JWT_KEY is not set")),
                // One error per unset variable: nothing more about the empty value it leaves (issue 8).
                new Case("an unset variable on a route line", f -> f.file("a.conf", "[routes:line]\n/ = ${UPSTREAM}\n"),
                        Map.of(), List.of("@D/a.conf:2: environment variable UPSTREAM is not set")),
                new Case("an unset variable for a number", f -> f.file("a.conf", "[server]\nport = ${PORT}\n" + ROUTES),
                        Map.of(), List.of("@D/a.conf:2: environment variable PORT is not set")),
                new Case("an unset variable for a duration",
                        f -> f.file("a.conf", "[tunefactors]\nresponse_timeout = ${TIMEOUT}\n" + ROUTES),
                        Map.of(), List.of("@D/a.conf:2: environment variable TIMEOUT is not set")),
                new Case("an unset variable for a cluster's members",
                        f -> f.file("a.conf", "[routes:line]\n/ = @app\n[@app]\nmembers = ${MEMBERS}\n"),
                        Map.of(), List.of("@D/a.conf:4: environment variable MEMBERS is not set")),
                new Case("two unset variables on one line are two errors",
                        f -> f.file("a.conf", "[server]\nip = ${HOST}\nname = ${A}-${B}\n" + ROUTES),
                        Map.of(), List.of("@D/a.conf:2: environment variable HOST is not set",
                        "@D/a.conf:3: environment variable A is not set",
                        "@D/a.conf:3: environment variable B is not set")),
                new Case("an unterminated ${", f -> f.file("a.conf", "[server]\nname = ${SITE\n" + ROUTES),
                        Map.of(), List.of("@D/a.conf:2: unterminated ${ in \"${SITE\"; write $$ for a literal $")),
                new Case("a bad variable name", f -> f.file("a.conf", "[server]\nname = ${1A}\n" + ROUTES),
                        Map.of(), List.of("@D/a.conf:2: bad variable name ${1A}; expected letters, digits and _"
                        + " (write $$ for a literal $)")));
    }

    static Stream<Case> serverCases() {
        return Stream.of(
                of("an ip that is not an address", "[server]\nip = 300.1.1.1\n" + ROUTES,
                        "@D/a.conf:2: [server] ip must be an IPv4 or IPv6 address or localhost (0.0.0.0 or :: for every"
                                + " interface), got \"300.1.1.1\""),
                of("an ip that is a host name", "[server]\nip = www.example.com\n" + ROUTES,
                        "@D/a.conf:2: [server] ip must be an IPv4 or IPv6 address or localhost (0.0.0.0 or :: for every"
                                + " interface), got \"www.example.com\""),
                of("an empty ip", "[server]\nip =\n" + ROUTES,
                        "@D/a.conf:2: [server] ip must be an IPv4 or IPv6 address or localhost (0.0.0.0 or :: for every"
                                + " interface), got \"\""),
                of("port 0", "[server]\nport = 0\n" + ROUTES,
                        "@D/a.conf:2: [server] port must be a port number 1..65535, got 0"),
                of("port 70000", "[server]\nport = 70000\n" + ROUTES,
                        "@D/a.conf:2: [server] port must be a port number 1..65535, got 70000"),
                of("a port that is not a number", "[server]\nport = http\n" + ROUTES,
                        "@D/a.conf:2: [server] port must be a port number 1..65535, got \"http\""),
                of("too many threads", "[server]\nthreads = 300\n" + ROUTES,
                        "@D/a.conf:2: [server] threads must be 0..256, got 300"),
                of("Skitai's single thread", "[server]\nthreads = 0\n" + ROUTES,
                        "@D/a.conf:2: warning: [server] threads = 0 (Skitai's single thread) is read as threads = 1"),
                of("too many processes", "[server]\nprocesses = 300\n" + ROUTES,
                        "@D/a.conf:2: [server] processes must be 1..256, got 300"),
                of("zero processes", "[server]\nprocesses = 0\n" + ROUTES,
                        "@D/a.conf:2: [server] processes must be 1..256, got 0"));
    }

    static Stream<Case> sslAndGatewayCases() {
        return Stream.of(
                of("a redirect_http port that is the TLS port itself",
                        "[server]\nport = 8443\n[ssl]\nenable_ssl = yes\ncertfile = server.pem\nredirect_http = 8443\n" + ROUTES,
                        "@D/a.conf:6: [ssl] redirect_http = 8443: 127.0.0.1:8443 is already used at @D/a.conf:2; pick a"
                                + " port nothing else listens on"),
                of("a boolean that is not one", "[ssl]\nenable_ssl = maybe\n" + ROUTES,
                        "@D/a.conf:2: [ssl] enable_ssl must be yes or no, got \"maybe\""),
                of("an unknown [ssl] key", "[ssl]\ncert = a.pem\n" + ROUTES,
                        "@D/a.conf:2: [ssl] unknown key \"cert\"; known keys: enable_ssl, certfile, keyfile, passphrase, protocols, ciphers, http2, redirect_http, hsts"),
                of("a realm with a quote", "[api-gateway]\nrealm = a\"b\n" + ROUTES,
                        "@D/a.conf:2: [api-gateway] realm must not hold quotes, backslashes or control characters (it is"
                                + " sent in WWW-Authenticate: Bearer realm=\"...\"), got \"a\\\"b\""),
                of("an identity field Gatehouse sets itself", "[api-gateway]\nuser_header = X-Forwarded-For\n" + ROUTES,
                        "@D/a.conf:2: [api-gateway] user_header cannot be X-Forwarded-For: Gatehouse or HTTP itself"
                                + " sets that field"),
                of("an identity field that is no field name", "[api-gateway]\nroles_header = X Roles\n" + ROUTES,
                        "@D/a.conf:2: [api-gateway] roles_header must be a header field name (letters, digits, '-'),"
                                + " got \"X Roles\""),
                of("one field for user and roles", "[api-gateway]\nuser_header = X-Who\nroles_header = x-who\n" + ROUTES,
                        "@D/a.conf:3: [api-gateway] roles_header must differ from user_header, both are X-Who"),
                of("a negative leeway", "[api-gateway]\nleeway = -5\n" + ROUTES,
                        "@D/a.conf:2: [api-gateway] leeway must be a whole number of seconds, or of ms, s, m, h or d"
                                + " (e.g. 30, 500ms, 2m), got -5"),
                of("an empty claim name", "[api-gateway]\nuser_claim =\n" + ROUTES,
                        "@D/a.conf:2: [api-gateway] user_claim must name a claim, got \"\""),
                of("a bad enable_gateway", "[api-gateway]\nenable_gateway = perhaps\n" + ROUTES,
                        "@D/a.conf:2: [api-gateway] enable_gateway must be yes or no, got \"perhaps\""));
    }

    static Stream<Case> tuneFactorCases() {
        return Stream.of(
                of("a zero response_timeout", "[tunefactors]\nresponse_timeout = 0\n" + ROUTES,
                        "@D/a.conf:2: [tunefactors] response_timeout must be more than 0, got 0"),
                of("a zero send_timeout", "[tunefactors]\nsend_timeout = 0\n" + ROUTES,
                        "@D/a.conf:2: [tunefactors] send_timeout must be more than 0, got 0"),
                of("a client_body_timeout that is not a duration", "[tunefactors]\nclient_body_timeout = soon\n" + ROUTES,
                        "@D/a.conf:2: [tunefactors] client_body_timeout must be a whole number of seconds, or of ms, s,"
                                + " m, h or d (e.g. 30, 500ms, 2m), got \"soon\""),
                of("a zero keep_alive", "[tunefactors]\nkeep_alive = 0s\n" + ROUTES,
                        "@D/a.conf:2: [tunefactors] keep_alive must be more than 0, got \"0s\""),
                of("a fractional duration", "[tunefactors]\nkeep_alive = 1.5s\n" + ROUTES,
                        "@D/a.conf:2: [tunefactors] keep_alive must be a whole number of seconds, or of ms, s, m, h or d"
                                + " (e.g. 30, 500ms, 2m), got \"1.5s\""),
                of("a negative duration", "[tunefactors]\nstatic_max_age = -5\n" + ROUTES,
                        "@D/a.conf:2: [tunefactors] static_max_age must be a whole number of seconds, or of ms, s, m, h"
                                + " or d (e.g. 30, 500ms, 2m), got -5"),
                of("a header_timeout under a second", "[tunefactors]\nheader_timeout = 500ms\n" + ROUTES,
                        "@D/a.conf:2: [tunefactors] header_timeout must be at least 1s, got \"500ms\""),
                of("a max_header_size under 1k", "[tunefactors]\nmax_header_size = 512\n" + ROUTES,
                        "@D/a.conf:2: [tunefactors] max_header_size must be 1k..1m, got 512"),
                of("a max_header_size over 1m", "[tunefactors]\nmax_header_size = 2m\n" + ROUTES,
                        "@D/a.conf:2: [tunefactors] max_header_size must be 1k..1m, got \"2m\""),
                of("a size with a bad unit", "[tunefactors]\nmax_header_size = 64kb\n" + ROUTES,
                        "@D/a.conf:2: [tunefactors] max_header_size must be a whole number of bytes, or of k, m or g"
                                + " (e.g. 8192, 32k, 1m), got \"64kb\""),
                of("a negative num_result_cache_max", "[tunefactors]\nnum_result_cache_max = -1\n" + ROUTES,
                        "@D/a.conf:2: [tunefactors] num_result_cache_max must be a whole number >= 0, got -1"),
                of("a max_body_size that is not a size", "[tunefactors]\nmax_body_size = 1 MB\n" + ROUTES,
                        "@D/a.conf:2: [tunefactors] max_body_size must be a whole number of bytes, or of k, m or g"
                                + " (e.g. 8192, 32k, 1m), got \"1 MB\""));
    }

    static Stream<Case> globalSectionCases() {
        return Stream.of(
                of("a negative cache budget", "[proxypass]\ncache_memory = -1\ncache_disk = lots\n" + ROUTES,
                        "@D/a.conf:2: [proxypass] cache_memory must be a whole number >= 0, got -1",
                        "@D/a.conf:3: [proxypass] cache_disk must be a whole number >= 0, got \"lots\""),
                files("[proxypass] in two files", f -> f
                                .file("a.conf", "[proxypass]\ncache_memory = 8\n" + ROUTES)
                                .file("b.conf", "[server]\nport = 5001\n[proxypass]\ncache_memory = 16\n" + ROUTES),
                        "@D/b.conf:3: [proxypass] is global and already defined at @D/a.conf:1; define it once across"
                                + " all files"),
                of("[log] twice in one file", "[log]\ndir = logs\n" + ROUTES + "[log]\nring_size = 10\n",
                        "@D/a.conf:5: [log] is global and already defined at @D/a.conf:1; define it once across all files",
                        "@D/a.conf:6: warning: [log] ring_size: the admin console that shows the latest requests is not"
                                + " in this version; the value is checked and kept, nothing uses it"),
                of("bad [log] values", "[log]\nring_size = 0\nretain_days = -1\ndir =\n" + ROUTES,
                        "@D/a.conf:2: [log] ring_size must be 1..1000000, got 0",
                        "@D/a.conf:3: [log] retain_days must be a whole number >= 0, got -1",
                        "@D/a.conf:4: [log] dir must be a directory path, got \"\""),
                of("bad error log values", "[log]\nerror_level = notice\nerror_stderr = maybe\n" + ROUTES,
                        "@D/a.conf:2: [log] error_level must be debug, info, warn or error, got \"notice\"",
                        "@D/a.conf:3: [log] error_stderr must be yes or no, got \"maybe\""));
    }

    static Stream<Case> clusterCases() {
        String use = "[routes:line]\n/ = @api\n";
        return Stream.of(
                of("a bad cluster name", "[@bad name]\nmembers = 10.0.0.1:80\n" + ROUTES,
                        "@D/a.conf:1: bad cluster name \"@bad name\"; expected [@name] with up to 100 letters, digits, '_', '.' or '-'"),
                of("a cluster without a name", "[@]\nmembers = 10.0.0.1:80\n" + ROUTES,
                        "@D/a.conf:1: bad cluster name \"@\"; expected [@name] with up to 100 letters, digits, '_', '.' or '-'"),
                files("a cluster defined in two files", f -> f
                                .file("a.conf", "[@api]\nmembers = 10.0.0.1:80\n" + use)
                                .file("b.conf", "[server]\nport = 5001\n[@api]\nmembers = 10.0.0.2:80\n" + use),
                        "@D/b.conf:3: cluster @api is already defined at @D/a.conf:1; cluster names are global across"
                                + " all files"),
                of("a cluster without members", "[@api]\nssl = no\n" + use,
                        "@D/a.conf:1: [@api] members is required, e.g. members = 10.0.0.1:8080, 10.0.0.2:8080"),
                of("an empty members list", "[@api]\nmembers =\n" + use,
                        "@D/a.conf:2: [@api] members is empty; expected e.g. members = 10.0.0.1:8080, 10.0.0.2:8080"),
                of("an empty member entry", "[@api]\nmembers = 10.0.0.1:80,,10.0.0.2:80\n" + use,
                        "@D/a.conf:2: [@api] members has an empty entry in \"10.0.0.1:80,,10.0.0.2:80\""),
                of("a member listed twice", "[@api]\nmembers = 10.0.0.1:80, 10.0.0.1\n" + use,
                        "@D/a.conf:2: [@api] member 10.0.0.1:80 is listed twice"),
                of("weight 0", "[@api]\nmembers = 10.0.0.1:80 weight=0\n" + use,
                        "@D/a.conf:2: [@api] weight must be 1..256, got 0"),
                of("weight 257", "[@api]\nmembers = 10.0.0.1:80 weight=257\n" + use,
                        "@D/a.conf:2: [@api] weight must be 1..256, got 257"),
                of("weight given twice", "[@api]\nmembers = 10.0.0.1:80 weight=2 weight=3\n" + use,
                        "@D/a.conf:2: [@api] member 10.0.0.1:80 has weight twice"),
                of("backup given twice", "[@api]\nmembers = 10.0.0.1:80 backup backup\n" + use,
                        "@D/a.conf:2: [@api] member 10.0.0.1:80 has backup twice"),
                of("an unknown member option", "[@api]\nmembers = 10.0.0.1:80 10.0.0.2:80\n" + use,
                        "@D/a.conf:2: [@api] unknown member option \"10.0.0.2:80\" after 10.0.0.1:80; expected weight=N,"
                                + " backup or down (entries are separated by commas)"),
                of("a member with a bad port", "[@api]\nmembers = 10.0.0.1:0\n" + use,
                        "@D/a.conf:2: [@api] member must be a port number 1..65535, got \"10.0.0.1:0\""),
                of("a member with a bad host", "[@api]\nmembers = bad!host:80\n" + use,
                        "@D/a.conf:2: [@api] member must be host:port with a host name or IP address, e.g."
                                + " 10.0.0.1:8080, got \"bad!host:80\""),
                of("an IPv6 member without brackets", "[@api]\nmembers = ::1:8080\n" + use,
                        "@D/a.conf:2: [@api] member must be host:port; write an IPv6 address in brackets, e.g."
                                + " [::1]:8080, got \"::1:8080\""),
                of("a Skitai database member list", "[@db]\ntype = sqlite3\nmembers = /var/db/app.sqlite3\n" + ROUTES,
                        "@D/a.conf:2: [@db] type = sqlite3: database members are not a proxy's job; let the application"
                                + " connect to its database itself and remove this section"),
                of("an unknown strategy", "[@api]\nmembers = 10.0.0.1:80\nstrategy = fastest\n" + use,
                        "@D/a.conf:3: [@api] strategy must be one of round_robin, least_conn, ip_hash, consistent_hash,"
                                + " random_two, ewma, got \"fastest\""),
                of("an empty roles entry", "[@api]\nmembers = 10.0.0.1:80\nroles = user,,admin\n" + use,
                        "@D/a.conf:3: [@api] roles has an empty entry in \"user,,admin\""),
                of("an empty ips entry", "[@api]\nmembers = 10.0.0.1:80\nips = 10.0.0.0/8, \n" + use,
                        "@D/a.conf:3: [@api] ips has an empty entry in \"10.0.0.0/8,\""),
                of("a bad ssl flag on a cluster", "[@api]\nmembers = 10.0.0.1:80\nssl = sometimes\n" + use,
                        "@D/a.conf:3: [@api] ssl must be yes or no, got \"sometimes\""),
                of("an unknown cluster key", "[@api]\nmembers = 10.0.0.1:80\nhealth_check = /hc\n" + use,
                        "@D/a.conf:3: [@api] unknown key \"health_check\"; known keys: members, ssl, ca, verify,"
                                + " client_cert, client_key, client_key_passphrase, strategy, hash_key, resolve_interval, roles, ips, health, health_interval,"
                                + " health_timeout, rise, fall, health_status, health_host, max_fails, fail_timeout,"
                                + " fail_on, slow_start, retries, retry_body_max, retry_timeout, max_connections,"
                                + " max_queue, queue_timeout, cache, cache_key, cache_valid, cache_use_stale, type"),
                of("a resolve interval that is not a duration", "[@api]\nmembers = app.internal:80\nresolve_interval = often\n" + use,
                        "@D/a.conf:3: [@api] resolve_interval must be " + Durations.EXPECTED + ", got \"often\""),
                of("a resolve interval under a second", "[@api]\nmembers = app.internal:80\nresolve_interval = 200ms\n" + use,
                        "@D/a.conf:3: [@api] resolve_interval must be 0 (names looked up only at load) or at least 1s,"
                                + " got \"200ms\""),
                of("response cache budgets: nothing to say", "[proxypass]\ncache_memory = 64\ncache_disk = 0\n" + ROUTES),
                of("a result cache size: nothing to say", "[tunefactors]\nnum_result_cache_max = 500\n" + ROUTES),
                of("a console ring size", "[log]\nring_size = 5000\n" + ROUTES,
                        "@D/a.conf:2: warning: [log] ring_size: the admin console that shows the latest requests is"
                                + " not in this version; the value is checked and kept, nothing uses it"),
                of("an unused cluster", "[@spare]\nmembers = 10.0.0.1:80\n" + ROUTES,
                        "@D/a.conf:1: warning: cluster @spare is not used by any route"),
                of("a route to an unknown cluster", "[@api]\nmembers = 10.0.0.1:80\n[routes:line]\n/ = @api\n/x = @nope\n",
                        "@D/a.conf:5: unknown cluster @nope; known clusters: @api"),
                of("a route to a cluster when none is defined", "[routes:line]\n/ = @nope\n",
                        "@D/a.conf:2: unknown cluster @nope; no cluster is defined (define one with an [@name] section"
                                + " and members = host:port, ...)"));
    }

    /**
     * The members' policy keys (issue 9): each bad value is an error at its line naming the key and what
     * was expected; a key that can have no effect with the rest of its section is a warning at its line.
     */
    static Stream<Case> memberPolicyCases() {
        String api = "[@api]\nmembers = 10.0.0.1:80, 10.0.0.2:80\n";
        String use = "[routes:line]\n/ = @api\n";
        String hashKey = "hash_key must be client, path, uri, header:NAME or cookie:NAME";
        String health = "health must be a path starting with / such as /healthz or /status?full=1, in letters,"
                + " digits, -._~!$&'()*+,;=:@/? and %XX escapes";
        String healthStatus = "health_status must be status codes and ranges within 100..599, e.g. 200-399 or"
                + " 200, 301-302";
        String failOn = "fail_on must be status codes and ranges within 400..599 (answers that report an error),"
                + " e.g. 502, 503, 504 or 500-599";
        return Stream.of(
                // strategy and hash_key
                of("a hash key that is not one of the five", api + "strategy = consistent_hash\nhash_key = host\n" + use,
                        "@D/a.conf:4: [@api] " + hashKey + ", got \"host\""),
                of("a hash key header name with a space", api + "strategy = consistent_hash\nhash_key = header:X User\n" + use,
                        "@D/a.conf:4: [@api] hash_key must be header:NAME with NAME a header field name (letters, digits"
                                + " and !#$%&'*+-.^_`|~), e.g. header:X-Tenant, got \"header:X User\""),
                of("a hash key header without a name", api + "strategy = consistent_hash\nhash_key = header:\n" + use,
                        "@D/a.conf:4: [@api] hash_key must be header:NAME with NAME a header field name (letters, digits"
                                + " and !#$%&'*+-.^_`|~), e.g. header:X-Tenant, got \"header:\""),
                of("a hash key cookie name with a separator", api + "strategy = consistent_hash\nhash_key = cookie:a=b\n" + use,
                        "@D/a.conf:4: [@api] hash_key must be cookie:NAME with NAME a cookie name (letters, digits"
                                + " and !#$%&'*+-.^_`|~), e.g. cookie:session, got \"cookie:a=b\""),
                of("a name after a hash key that takes none", api + "strategy = consistent_hash\nhash_key = uri:x\n" + use,
                        "@D/a.conf:4: [@api] " + hashKey + " (uri takes no name), got \"uri:x\""),
                of("a hash key with round robin", api + "hash_key = client\n" + use,
                        "@D/a.conf:3: warning: [@api] hash_key has no effect with strategy = round_robin; only"
                                + " consistent_hash uses it"),
                of("a hash key with least_conn", api + "strategy = least_conn\nhash_key = path\n" + use,
                        "@D/a.conf:4: warning: [@api] hash_key has no effect with strategy = least_conn; only"
                                + " consistent_hash uses it"),
                of("a hash key with ip_hash", api + "strategy = ip_hash\nhash_key = cookie:sid\n" + use,
                        "@D/a.conf:4: warning: [@api] hash_key is ignored by ip_hash, which hashes the client address;"
                                + " to hash by another key, use strategy = consistent_hash"),
                of("a hash key beside an unknown strategy: only the strategy's error",
                        api + "strategy = sticky\nhash_key = client\n" + use,
                        "@D/a.conf:3: [@api] strategy must be one of round_robin, least_conn, ip_hash, consistent_hash,"
                                + " random_two, ewma, got \"sticky\""),
                // the active health check
                of("a health path without its slash", api + "health = healthz\n" + use,
                        "@D/a.conf:3: [@api] " + health + ", got \"healthz\""),
                of("a health path with a space", api + "health = /health check\n" + use,
                        "@D/a.conf:3: [@api] " + health + ", got \"/health check\""),
                of("a health path with a fragment", api + "health = /health#top\n" + use,
                        "@D/a.conf:3: [@api] " + health + ", got \"/health#top\""),
                of("a health path with a broken escape", api + "health = /h%zz\n" + use,
                        "@D/a.conf:3: [@api] " + health + ", got \"/h%zz\""),
                of("a health path that is not ASCII", api + "health = /sant\u00e9\n" + use,
                        "@D/a.conf:3: [@api] " + health + ", got \"/sant\u00e9\""),
                of("an empty health path", api + "health =\n" + use,
                        "@D/a.conf:3: [@api] " + health + ", got \"\""),
                of("a health interval of 0", api + "health = /hc\nhealth_interval = 0\n" + use,
                        "@D/a.conf:4: [@api] health_interval must be more than 0, got 0"),
                of("a health timeout that is not a duration", api + "health = /hc\nhealth_timeout = soon\n" + use,
                        "@D/a.conf:4: [@api] health_timeout must be " + Durations.EXPECTED + ", got \"soon\""),
                of("rise = 0", api + "health = /hc\nrise = 0\n" + use,
                        "@D/a.conf:4: [@api] rise must be a whole number >= 1, got 0"),
                of("fall = 0", api + "health = /hc\nfall = 0\n" + use,
                        "@D/a.conf:4: [@api] fall must be a whole number >= 1, got 0"),
                of("a health status class", api + "health = /hc\nhealth_status = 2xx\n" + use,
                        "@D/a.conf:4: [@api] " + healthStatus + ", got \"2xx\""),
                of("a health status range upside down", api + "health = /hc\nhealth_status = 399-200\n" + use,
                        "@D/a.conf:4: [@api] " + healthStatus + ", got \"399-200\""),
                of("a health status beyond 599", api + "health = /hc\nhealth_status = 200, 600\n" + use,
                        "@D/a.conf:4: [@api] " + healthStatus + ", got \"200, 600\""),
                of("a health status with an empty entry", api + "health = /hc\nhealth_status = 200,,204\n" + use,
                        "@D/a.conf:4: [@api] " + healthStatus + ", got \"200,,204\""),
                of("a health host that is not a host", api + "health = /hc\nhealth_host = api example\n" + use,
                        "@D/a.conf:4: [@api] health_host must be a host name or IP address with an optional port, e.g."
                                + " api.example.com or 10.0.0.1:8080, got \"api example\""),
                of("a health host with port 0", api + "health = /hc\nhealth_host = api.example.com:0\n" + use,
                        "@D/a.conf:4: [@api] health_host must be a host name or IP address with an optional port, e.g."
                                + " api.example.com or 10.0.0.1:8080, got \"api.example.com:0\""),
                of("health settings without health", api + "health_interval = 1s\nhealth_timeout = 500ms\nrise = 1\n"
                                + "fall = 1\nhealth_status = 200\nhealth_host = api.example.com\n" + use,
                        "@D/a.conf:3: warning: [@api] health_interval has no effect without health = /path",
                        "@D/a.conf:4: warning: [@api] health_timeout has no effect without health = /path",
                        "@D/a.conf:5: warning: [@api] rise has no effect without health = /path",
                        "@D/a.conf:6: warning: [@api] fall has no effect without health = /path",
                        "@D/a.conf:7: warning: [@api] health_status has no effect without health = /path",
                        "@D/a.conf:8: warning: [@api] health_host has no effect without health = /path"),
                of("a bad health setting without health: only its error", api + "rise = 0\n" + use,
                        "@D/a.conf:3: [@api] rise must be a whole number >= 1, got 0"),
                of("health settings beside a refused health path: only the path's error",
                        api + "health = hc\nrise = 1\n" + use,
                        "@D/a.conf:3: [@api] " + health + ", got \"hc\""),
                of("a health timeout as long as the interval", api + "health = /hc\nhealth_interval = 2s\n"
                                + "health_timeout = 2s\n" + use,
                        "@D/a.conf:5: warning: [@api] health_timeout 2s is not shorter than health_interval 2s: a check"
                                + " that takes its whole time delays the next one"),
                of("a health interval under the default timeout", api + "health = /hc\nhealth_interval = 1s\n" + use,
                        "@D/a.conf:4: warning: [@api] health_timeout 2s is not shorter than health_interval 1s: a check"
                                + " that takes its whole time delays the next one"),
                // passive health
                of("max_fails below 0", api + "max_fails = -1\n" + use,
                        "@D/a.conf:3: [@api] max_fails must be a whole number >= 0, got -1"),
                of("a fail timeout of 0", api + "fail_timeout = 0\n" + use,
                        "@D/a.conf:3: [@api] fail_timeout must be more than 0, got 0"),
                of("a fail timeout with max_fails = 0", api + "max_fails = 0\nfail_timeout = 30s\n" + use,
                        "@D/a.conf:4: warning: [@api] fail_timeout has no effect with max_fails = 0 (members are never"
                                + " taken out by failed requests)"),
                of("fail_on 200", api + "fail_on = 200\n" + use,
                        "@D/a.conf:3: [@api] " + failOn + ", got 200"),
                of("fail_on with a code beside the errors", api + "fail_on = 502, 302\n" + use,
                        "@D/a.conf:3: [@api] " + failOn + ", got \"502, 302\""),
                of("fail_on in nginx's spelling", api + "fail_on = http_502\n" + use,
                        "@D/a.conf:3: [@api] " + failOn + ", got \"http_502\""),
                of("fail_on beyond 599", api + "fail_on = 500-600\n" + use,
                        "@D/a.conf:3: [@api] " + failOn + ", got \"500-600\""),
                // slow start
                of("a slow start that is not a duration", api + "slow_start = slowly\n" + use,
                        "@D/a.conf:3: [@api] slow_start must be " + Durations.EXPECTED + ", got \"slowly\""),
                of("slow start with ip_hash", api + "strategy = ip_hash\nslow_start = 30s\n" + use,
                        "@D/a.conf:4: warning: [@api] slow_start is ignored by ip_hash: hash strategies keep their keys"
                                + " stable and ignore slow_start"),
                of("slow start with consistent_hash", api + "strategy = consistent_hash\nslow_start = 1m\n" + use,
                        "@D/a.conf:4: warning: [@api] slow_start is ignored by consistent_hash: hash strategies keep"
                                + " their keys stable and ignore slow_start"),
                // retries
                of("retries below 0", api + "retries = -1\n" + use,
                        "@D/a.conf:3: [@api] retries must be a whole number >= 0, got -1"),
                of("a retry body limit over 64m", api + "retry_body_max = 65m\n" + use,
                        "@D/a.conf:3: [@api] retry_body_max must be 0..64m, got \"65m\""),
                of("a retry body limit that is not a size", api + "retry_body_max = big\n" + use,
                        "@D/a.conf:3: [@api] retry_body_max must be " + Sizes.EXPECTED + ", got \"big\""),
                of("a retry timeout that is not a duration", api + "retry_timeout = -1\n" + use,
                        "@D/a.conf:3: [@api] retry_timeout must be " + Durations.EXPECTED + ", got -1"),
                of("retry settings with retries = 0", api + "retries = 0\nretry_body_max = 1m\nretry_timeout = 5s\n" + use,
                        "@D/a.conf:4: warning: [@api] retry_body_max has no effect with retries = 0",
                        "@D/a.conf:5: warning: [@api] retry_timeout has no effect with retries = 0"),
                // overload
                of("max_connections below 0", api + "max_connections = -5\n" + use,
                        "@D/a.conf:3: [@api] max_connections must be a whole number >= 0, got -5"),
                of("max_queue below 0", api + "max_connections = 10\nmax_queue = -1\n" + use,
                        "@D/a.conf:4: [@api] max_queue must be a whole number >= 0, got -1"),
                of("a queue timeout of 0", api + "max_connections = 10\nqueue_timeout = 0\n" + use,
                        "@D/a.conf:4: [@api] queue_timeout must be more than 0, got 0"),
                of("queue settings without max_connections", api + "max_queue = 10\nqueue_timeout = 1s\n" + use,
                        "@D/a.conf:3: warning: [@api] max_queue has no effect without max_connections: requests wait only"
                                + " for a member at its max_connections limit",
                        "@D/a.conf:4: warning: [@api] queue_timeout has no effect without max_connections: requests wait"
                                + " only for a member at its max_connections limit"),
                of("queue settings with max_connections = 0", api + "max_connections = 0\nmax_queue = 10\n" + use,
                        "@D/a.conf:4: warning: [@api] max_queue has no effect without max_connections: requests wait only"
                                + " for a member at its max_connections limit"),
                of("a queue timeout with no queue", api + "max_connections = 10\nmax_queue = 0\nqueue_timeout = 1s\n" + use,
                        "@D/a.conf:5: warning: [@api] queue_timeout has no effect with max_queue = 0: requests over"
                                + " max_connections are answered 503 at once"),
                // the member parameter down
                of("down given twice", "[@api]\nmembers = 10.0.0.1:80 down down, 10.0.0.2:80\n" + use,
                        "@D/a.conf:2: [@api] member 10.0.0.1:80 has down twice"),
                of("every member down", "[@api]\nmembers = 10.0.0.1:80 down, 10.0.0.2:80 backup down\n" + use,
                        "@D/a.conf:2: warning: [@api] every member of @api is down: it answers 503"),
                of("several bad policy keys at once", api + "strategy = consistent_hash\nhash_key = header:\n"
                                + "health = /hc\nrise = 0\nfall = x\nfail_on = 200-299\nmax_queue = -1\n" + use,
                        "@D/a.conf:4: [@api] hash_key must be header:NAME with NAME a header field name (letters, digits"
                                + " and !#$%&'*+-.^_`|~), e.g. header:X-Tenant, got \"header:\"",
                        "@D/a.conf:6: [@api] rise must be a whole number >= 1, got 0",
                        "@D/a.conf:7: [@api] fall must be a whole number >= 1, got \"x\"",
                        "@D/a.conf:8: [@api] " + failOn + ", got \"200-299\"",
                        "@D/a.conf:9: [@api] max_queue must be a whole number >= 0, got -1"));
    }

    /**
     * A cluster's cache key with a bad value where {@code [proxypass]} turns caching on: only
     * {@code [@api] message} at the key's line.
     */
    static Case badValue(String name, String keyLine, String message) {
        return of(name, "[proxypass]\ncache_memory = 64\n[@api]\nmembers = 10.0.0.1:80\n" + keyLine
                        + "\n[routes:line]\n/ = @api\n",
                "@D/a.conf:5: [@api] " + message);
    }

    /**
     * The response cache's keys (issue 10): each bad value is an error at its line naming the key, the
     * value and what was expected; a cache key that can have no effect, given {@code [proxypass]} in any
     * file, is a warning at its line saying why. Valid {@code [proxypass]} keys take effect: nothing is said.
     */
    static Stream<Case> cacheCases() {
        String api = "[@api]\nmembers = 10.0.0.1:80\n";
        String use = "[routes:line]\n/ = @api\n";
        String cached = "[proxypass]\ncache_memory = 64\n";
        String cacheKey = "cache_key must be parts from scheme, host, path, query and header:NAME separated by spaces,"
                + " with path";
        String useStale = "cache_use_stale must be off, or conditions from error, timeout, 5xx, http_500, http_502,"
                + " http_503, http_504 and updating separated by spaces";
        String noProxyPass = "has no effect: no [proxypass] section with cache_memory or cache_disk; write one, or"
                + " cache = yes in this cluster";
        return Stream.of(
                // [proxypass]
                of("a cache_max_object of 0", "[proxypass]\ncache_max_object = 0\n" + ROUTES,
                        "@D/a.conf:2: [proxypass] cache_max_object must be at least 1 byte, got 0"),
                of("a cache_max_object that is not a size", "[proxypass]\ncache_max_object = 8 MB\n" + ROUTES,
                        "@D/a.conf:2: [proxypass] cache_max_object must be " + Sizes.EXPECTED + ", got \"8 MB\""),
                of("an empty cache_dir", "[proxypass]\ncache_disk = 100\ncache_dir =\n" + ROUTES,
                        "@D/a.conf:3: [proxypass] cache_dir must be a directory path, got \"\""),
                of("a cache_dir without a disk tier", "[proxypass]\ncache_dir = /var/cache/gatehouse\n" + ROUTES,
                        "@D/a.conf:2: warning: [proxypass] cache_dir has no effect without a disk tier (cache_disk = 0)"),
                of("a cache_dir with cache_disk = 0", "[proxypass]\ncache_disk = 0\ncache_dir = cache\n" + ROUTES,
                        "@D/a.conf:3: warning: [proxypass] cache_dir has no effect without a disk tier (cache_disk = 0)"),
                of("a cache_dir beside a refused cache_disk: only the error", "[proxypass]\ncache_disk = x\ncache_dir = c\n"
                                + ROUTES,
                        "@D/a.conf:2: [proxypass] cache_disk must be a whole number >= 0, got \"x\""),
                of("an unknown [proxypass] key", "[proxypass]\ncache_size = 64\n" + ROUTES,
                        "@D/a.conf:2: [proxypass] unknown key \"cache_size\"; known keys: cache_memory, cache_disk,"
                                + " cache_dir, cache_max_object"),
                // cache
                badValue("cache that is not yes or no", "cache = sometimes", "cache must be yes or no, got \"sometimes\""),
                // cache_key
                badValue("a cache key part that is not one", "cache_key = scheme host uri",
                        cacheKey + " (\"uri\" is not a part), got \"scheme host uri\""),
                badValue("a cache key written with commas", "cache_key = host, path",
                        cacheKey + " (\"host,\" is not a part), got \"host, path\""),
                badValue("a cache key without path", "cache_key = scheme host query",
                        cacheKey + " (path is missing), got \"scheme host query\""),
                badValue("a cache key part written twice", "cache_key = host path query QUERY",
                        cacheKey + " (query is written twice), got \"host path query QUERY\""),
                badValue("a cache key header written twice in two cases", "cache_key = path header:Accept header:ACCEPT",
                        cacheKey + " (header:ACCEPT is written twice), got \"path header:Accept header:ACCEPT\""),
                badValue("a cache key header without a name", "cache_key = path header:",
                        cacheKey + " (\"header:\" needs a header field name: letters, digits and !#$%&'*+-.^_`|~),"
                                + " got \"path header:\""),
                badValue("a cache key header with a bad name", "cache_key = path header:X(1)",
                        cacheKey + " (\"header:X(1)\" needs a header field name: letters, digits and"
                                + " !#$%&'*+-.^_`|~), got \"path header:X(1)\""),
                badValue("an empty cache key", "cache_key =", cacheKey + ", got \"\""),
                // cache_valid
                badValue("a cache_valid that is not a duration", "cache_valid = 10 minutes",
                        "cache_valid must be " + Durations.EXPECTED + ", got \"10 minutes\""),
                badValue("a cache_valid of 0", "cache_valid = 0", "cache_valid must be more than 0, got 0; leave it"
                        + " out to give no lifetime, or use cache = no to store nothing"),
                badValue("a cache_valid of 0s", "cache_valid = 0s", "cache_valid must be more than 0, got \"0s\";"
                        + " leave it out to give no lifetime, or use cache = no to store nothing"),
                // cache_use_stale
                badValue("a stale condition that is not one", "cache_use_stale = error http_404",
                        useStale + " (\"http_404\" is not one), got \"error http_404\""),
                badValue("off with other stale conditions", "cache_use_stale = off error",
                        useStale + " (off goes alone), got \"off error\""),
                badValue("a stale condition written twice", "cache_use_stale = error timeout ERROR",
                        useStale + " (error is written twice), got \"error timeout ERROR\""),
                badValue("stale conditions written with commas", "cache_use_stale = error, timeout",
                        useStale + " (\"error,\" is not one), got \"error, timeout\""),
                badValue("an empty cache_use_stale", "cache_use_stale =", useStale + ", got \"\""),
                of("several bad cache keys at once", api + "cache = perhaps\ncache_key = query\ncache_valid = 0\n"
                                + "cache_use_stale = stale\n" + use,
                        "@D/a.conf:3: [@api] cache must be yes or no, got \"perhaps\"",
                        "@D/a.conf:4: [@api] " + cacheKey + " (path is missing), got \"query\"",
                        "@D/a.conf:5: [@api] cache_valid must be more than 0, got 0; leave it out to give no lifetime,"
                                + " or use cache = no to store nothing",
                        "@D/a.conf:6: [@api] " + useStale + " (\"stale\" is not one), got \"stale\""),
                // keys that can have no effect
                of("cache keys with no [proxypass] section", api + "cache_key = host path\ncache_valid = 10m\n"
                                + "cache_use_stale = error\n" + use,
                        "@D/a.conf:3: warning: [@api] cache_key " + noProxyPass,
                        "@D/a.conf:4: warning: [@api] cache_valid " + noProxyPass,
                        "@D/a.conf:5: warning: [@api] cache_use_stale " + noProxyPass),
                of("a refused cache key with no [proxypass] section: only its error", api + "cache_valid = soon\n" + use,
                        "@D/a.conf:3: [@api] cache_valid must be " + Durations.EXPECTED + ", got \"soon\""),
                files("cache = yes where [proxypass] in another file turns both tiers off", f -> f
                                .file("a.conf", api + "cache = yes\ncache_valid = 1m\n" + use)
                                .file("b.conf", "[proxypass]\ncache_memory = 0\ncache_disk = 0\n"),
                        "@D/a.conf:3: warning: [@api] cache = yes has no effect: [proxypass] at @D/b.conf:1 has"
                                + " cache_memory = 0 and cache_disk = 0, so nothing can be stored",
                        "@D/a.conf:4: warning: [@api] cache_valid has no effect: [proxypass] at @D/b.conf:1 has"
                                + " cache_memory = 0 and cache_disk = 0, so nothing can be stored"),
                of("cache keys beside cache = no", cached + api + "cache = no\ncache_key = path\n"
                                + "cache_use_stale = updating\n" + use,
                        "@D/a.conf:6: warning: [@api] cache_key has no effect: this cluster says cache = no",
                        "@D/a.conf:7: warning: [@api] cache_use_stale has no effect: this cluster says cache = no"),
                of("cache = no alone where nothing caches: nothing to say", api + "cache = no\n" + use),
                of("cache = yes with no [proxypass] section: the default store", api + "cache = yes\ncache_valid = 1m\n"
                                + use),
                files("cache keys with an empty [proxypass] in another file: nothing to say", f -> f
                                .file("a.conf", api + "cache_key = host path\ncache_use_stale = 5xx\n" + use)
                                .file("z.conf", "[proxypass]\n"))
        );
    }

    /** {@code ca} and {@code verify}: the CA file is read when the configuration is, so check finds a broken one. */
    static Stream<Case> memberTlsCases() {
        String tls = "[@api]\nmembers = 10.0.0.1:443\nssl = yes\n";
        String use = "[routes:line]\n/ = @api\n";
        return Stream.of(
                of("a ca file that does not exist", tls + "ca = certs/ca.pem\n" + use,
                        "@D/a.conf:4: [@api] ca file @T/certs/ca.pem does not exist"),
                files("a ca that is a directory", f -> {
                    f.mkdir("certs");
                    f.file("a.conf", tls + "ca = certs\n" + use);
                },
                        "@D/a.conf:4: [@api] ca file @T/certs is a directory; expected a PEM file of certificates"),
                files("a ca file without a certificate", f -> write(f, "ca.pem", "not a certificate\n")
                                .file("a.conf", tls + "ca = ca.pem\n" + use),
                        "@D/a.conf:4: [@api] ca file @T/ca.pem holds no certificate; expected PEM blocks between"
                                + " -----BEGIN CERTIFICATE----- and -----END CERTIFICATE-----"),
                files("a ca file with a certificate that is not one", f -> write(f, "ca.pem",
                                "# our CA\n-----BEGIN CERTIFICATE-----\nTUlJQg==\n-----END CERTIFICATE-----\n")
                                .file("a.conf", tls + "ca = ca.pem\n" + use),
                        "@D/a.conf:4: [@api] ca file @T/ca.pem: the certificate at line 2 is not a valid X.509 certificate"),
                files("a ca file with broken base64", f -> write(f, "ca.pem",
                                "-----BEGIN CERTIFICATE-----\nno*base64!\n-----END CERTIFICATE-----\n")
                                .file("a.conf", tls + "ca = ca.pem\n" + use),
                        "@D/a.conf:4: [@api] ca file @T/ca.pem: the certificate at line 1 is not valid base64"),
                files("a ca file cut short", f -> write(f, "ca.pem", "# our CA\n-----BEGIN CERTIFICATE-----\nMIIB\n")
                                .file("a.conf", tls + "ca = ca.pem\n" + use),
                        "@D/a.conf:4: [@api] ca file @T/ca.pem: the certificate at line 2 has no"
                                + " -----END CERTIFICATE----- line"),
                of("an empty ca", tls + "ca =\n" + use,
                        "@D/a.conf:4: [@api] ca must be a PEM file of CA certificates, got \"\""),
                files("a ca without ssl", f -> write(f, "ca.pem", TestCa.create("Plain CA").pem())
                                .file("a.conf", "[@api]\nmembers = 10.0.0.1:80\nca = ca.pem\n" + use),
                        "@D/a.conf:3: [@api] ca is set but ssl is no: the members would be reached in plain text,"
                                + " unchecked; add ssl = yes, or remove ca"),
                of("verify without ssl", "[@api]\nmembers = 10.0.0.1:80\nverify = no\n" + use,
                        "@D/a.conf:3: warning: [@api] verify applies only with ssl = yes; ignored"),
                files("a ca that verify = no leaves unused", f -> write(f, "ca.pem", TestCa.create("Unused CA").pem())
                                .file("a.conf", tls + "ca = ca.pem\nverify = no\n" + use),
                        "@D/a.conf:4: warning: [@api] ca is not used while verify = no: no member certificate is checked"),
                of("a verify that is not yes or no", tls + "verify = sometimes\n" + use,
                        "@D/a.conf:4: [@api] verify must be yes or no, got \"sometimes\""));
    }

    /** Writes {@code name} into conf.d's parent (where a relative {@code ca} is read from). */
    private static ConfDirFixture write(ConfDirFixture f, String name, String text) {
        try {
            Files.writeString(f.tmp().resolve(name), text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return f;
    }

    static Stream<Case> routeCases() {
        String noTarget = "no target; expected @cluster, http(s)://host[:port][/path], return CODE [TEXT],"
                + " redirect CODE URL or a directory";
        return Stream.of(
                of("a bare @ line", "[routes:line]\n/ = return 200\n@\n/x = return 204\n",
                        "@D/a.conf:3: @ line names no host; expected @ host1 host2 ..."),
                of("@ *", "[routes:line]\n/ = return 200\n@ *\n/x = return 204\n",
                        "@D/a.conf:3: \"*\" is not a host pattern; routes for every host go before the first @ line"),
                of("a host with bad characters", "[routes:line]\n@ www.exa!mple.com\n/ = return 200\n",
                        "@D/a.conf:2: bad host pattern \"www.exa!mple.com\"; expected a host name (www.a.com), .a.com"
                                + " (a.com and its subdomains) or *.a.com (its subdomains), without a port"),
                of("a host with a port", "[routes:line]\n@ www.example.com:8080\n/ = return 200\n",
                        "@D/a.conf:2: bad host pattern \"www.example.com:8080\"; expected a host name (www.a.com),"
                                + " .a.com (a.com and its subdomains) or *.a.com (its subdomains), without a port"),
                of("a wildcard in the middle", "[routes:line]\n@ www.*.com\n/ = return 200\n",
                        "@D/a.conf:2: bad host pattern \"www.*.com\"; expected a host name (www.a.com), .a.com"
                                + " (a.com and its subdomains) or *.a.com (its subdomains), without a port"),
                of("an @ group without routes", "[routes:line]\n/ = return 200\n@ www.example.com\n",
                        "@D/a.conf:3: warning: @ www.example.com has no route lines below it; these hosts would answer"
                                + " nothing"),
                of("a line without =", "[routes:line]\n/ = return 200\n/api @api\n",
                        "@D/a.conf:3: expected PATH = TARGET or @ host ..., got \"/api @api\""),
                of("a relative path", "[routes:line]\napi = return 200\n",
                        "@D/a.conf:2: bad route path \"api\": it must start with /"),
                of("an empty path", "[routes:line]\n= return 200\n",
                        "@D/a.conf:2: bad route path \"\": it is empty; expected a path starting with /"),
                of("a path with a query", "[routes:line]\n/api?x=1 = return 200\n",
                        "@D/a.conf:2: bad route path \"/api?x\": it must not contain ? or # (a route matches the path only)"),
                of("a path with a dot-dot segment", "[routes:line]\n/a/../b = return 200\n",
                        "@D/a.conf:2: bad route path \"/a/../b\": it must not contain . or .. segments"),
                of("a path with a dot segment", "[routes:line]\n/a/./b = return 200\n",
                        "@D/a.conf:2: bad route path \"/a/./b\": it must not contain . or .. segments"),
                of("a path with an empty segment", "[routes:line]\n/a//b = return 200\n",
                        "@D/a.conf:2: bad route path \"/a//b\": it must not contain an empty segment (//)"),
                of("a path with a space", "[routes:line]\n/a b = return 200\n",
                        "@D/a.conf:2: bad route path \"/a b\": it must not contain whitespace or control characters"),
                of("an empty target", "[routes:line]\n/x =\n", "@D/a.conf:2: route /x = \"\": " + noTarget),
                of("a bad cluster name in a target", "[routes:line]\n/ = @bad!name\n",
                        "@D/a.conf:2: route / = \"@bad!name\": bad cluster name; expected @name with up to 100 letters,"
                                + " digits, '_', '.' or '-'"),
                of("an upstream URL with user info", "[routes:line]\n/ = http://user:pw@10.0.0.1:8080\n",
                        "@D/a.conf:2: route / = \"http://user:pw@10.0.0.1:8080\": an upstream URL takes no user info"
                                + " (user@host)"),
                of("an upstream URL with a query", "[routes:line]\n/ = http://10.0.0.1/a?b=c\n",
                        "@D/a.conf:2: route / = \"http://10.0.0.1/a?b=c\": an upstream URL takes no query or fragment"),
                of("an upstream URL with a fragment", "[routes:line]\n/ = http://10.0.0.1/a#top\n",
                        "@D/a.conf:2: route / = \"http://10.0.0.1/a#top\": an upstream URL takes no query or fragment"),
                of("an upstream URL without a host", "[routes:line]\n/ = https:///x\n",
                        "@D/a.conf:2: route / = \"https:///x\": the upstream URL names no host"),
                of("an upstream URL with a bad port", "[routes:line]\n/ = http://10.0.0.1:99999\n",
                        "@D/a.conf:2: route / = \"http://10.0.0.1:99999\": a port number 1..65535"),
                of("an upstream URL with a dot-dot base path", "[routes:line]\n/ = http://10.0.0.1/a/../b\n",
                        "@D/a.conf:2: route / = \"http://10.0.0.1/a/../b\": bad upstream base path \"/a/../b\": it must"
                                + " not contain . or .. segments"),
                of("an unsupported scheme", "[routes:line]\n/ = ws://10.0.0.1:8080\n",
                        "@D/a.conf:2: route / = \"ws://10.0.0.1:8080\": unsupported scheme ws://; expected http:// or"
                                + " https://"),
                of("return with a status out of range", "[routes:line]\n/ = return 700 Nope\n",
                        "@D/a.conf:2: route / = \"return 700 Nope\": expected return CODE [TEXT] with CODE 200..599"),
                of("return without a status", "[routes:line]\n/ = return\n",
                        "@D/a.conf:2: route / = \"return\": expected return CODE [TEXT] with CODE 200..599"),
                of("redirect with a status that is no redirect", "[routes:line]\n/ = redirect 200 https://example.com/\n",
                        "@D/a.conf:2: route / = \"redirect 200 https://example.com/\": expected redirect CODE URL with"
                                + " CODE 301, 302, 303, 307 or 308"),
                of("redirect without a URL", "[routes:line]\n/ = redirect 301\n",
                        "@D/a.conf:2: route / = \"redirect 301\": expected redirect CODE URL with CODE 301, 302, 303,"
                                + " 307 or 308"),
                of("redirect to a relative URL", "[routes:line]\n/ = redirect 301 new/place\n",
                        "@D/a.conf:2: route / = \"redirect 301 new/place\": the redirect URL must be absolute (http://"
                                + " or https://) or start with /"),
                of("redirect to another scheme", "[routes:line]\n/ = redirect 302 ftp://example.com/\n",
                        "@D/a.conf:2: route / = \"redirect 302 ftp://example.com/\": the redirect URL must be absolute"
                                + " (http:// or https://) or start with /"),
                of("a static directory that does not exist", "[routes:line]\n/ = /nonexistent/gatehouse/www\n",
                        "@D/a.conf:2: route / = \"/nonexistent/gatehouse/www\": static directory"
                                + " /nonexistent/gatehouse/www does not exist"),
                of("a relative static directory that does not exist", "[routes:line]\n/ = www\n",
                        "@D/a.conf:2: route / = \"www\": static directory @T/www does not exist"),
                files("a static directory that is a file", f -> {
                    f.file("a.conf", "[routes:line]\n/ = conf.d/a.conf\n");
                }, "@D/a.conf:2: route / = \"conf.d/a.conf\": static directory @D/a.conf is not a directory"),
                of("a Skitai WSGI mount with a path", "[routes:line]\n/aboutus = /var/wsgi/flaskapp:app\n",
                        "@D/a.conf:2: route /aboutus = \"/var/wsgi/flaskapp:app\": this is a Skitai WSGI app mount, and"
                                + " Gatehouse runs no Python apps; run the app under its own server (gunicorn, uwsgi,"
                                + " skitai) and route to it with /aboutus = http://127.0.0.1:8000 or a cluster"),
                of("a Skitai WSGI mount of a module", "[routes:line]\n/ = app.main:application\n",
                        "@D/a.conf:2: route / = \"app.main:application\": this is a Skitai WSGI app mount, and Gatehouse"
                                + " runs no Python apps; run the app under its own server (gunicorn, uwsgi, skitai) and"
                                + " route to it with / = http://127.0.0.1:8000 or a cluster"),
                files("a Skitai WSGI mount of a .py file without a callable", f -> {
                    f.mkdir("wsgi");
                    try {
                        Files.writeString(f.tmp().resolve("wsgi/webapp.py"), "app = None\n");
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    f.file("a.conf", "[routes:line]\n/ = wsgi/webapp\n");
                }, "@D/a.conf:2: route / = \"wsgi/webapp\": this is a Skitai WSGI app mount, and Gatehouse runs no"
                        + " Python apps; run the app under its own server (gunicorn, uwsgi, skitai) and route to it with"
                        + " / = http://127.0.0.1:8000 or a cluster"),
                of("two proxy targets on one path", "[routes:line]\n/ = return 200\n/ = http://10.0.0.1:8080\n",
                        "@D/a.conf:3: route / already has a target at @D/a.conf:2; a path takes static directories and"
                                + " at most one other target"),
                files("a proxy target before and after a static directory", f -> {
                    f.mkdir("www");
                    f.file("a.conf", "[routes:line]\n/api = http://10.0.0.1:8080\n/api/ = www\n/api = return 404\n");
                }, "@D/a.conf:4: route /api already has a target at @D/a.conf:2; a path takes static directories and"
                        + " at most one other target"));
    }

    static Stream<Case> directoryCases() {
        return Stream.of(
                files("a host claimed by two files on one listener", f -> f
                                .file("a.conf", "[routes:line]\n@ www.example.com\n/ = return 200 a\n")
                                .file("b.conf", "[routes:line]\n@ shop.example.com WWW.example.com\n/ = return 200 b\n"),
                        "@D/b.conf:2: host www.example.com on 127.0.0.1:5000 is also claimed at @D/a.conf:2"),
                of("a host claimed twice in one file", "[routes:line]\n@ a.example\n/ = return 200\n@ a.example\n/x = return 200\n",
                        "@D/a.conf:4: host a.example on 127.0.0.1:5000 is also claimed at @D/a.conf:2"),
                files(".a.com and *.a.com on one listener", f -> f
                                .file("a.conf", "[routes:line]\n@ .example.com\n/ = return 200 a\n")
                                .file("b.conf", "[routes:line]\n@ *.example.com\n/ = return 200 b\n"),
                        "@D/b.conf:2: host *.example.com on 127.0.0.1:5000 is also claimed at @D/a.conf:2 (as .example.com)"),
                files("two default groups on one listener", f -> f
                                .file("a.conf", "[routes:line]\n/ = return 200 a\n")
                                .file("b.conf", "[server]\nip = 127.0.0.1\n[routes:line]\n/ = return 200 b\n"),
                        "@D/b.conf:4: routes before any @ line (for every host) on 127.0.0.1:5000 are also defined at"
                                + " @D/a.conf:2; only one file per listener may have them, the others start with an @ line"),
                files("a wildcard and a specific address on one port", f -> f
                                .file("a.conf", "[server]\nip = 127.0.0.1\nport = 8080\n" + ROUTES)
                                .file("b.conf", "[server]\nip = 0.0.0.0\nport = 8080\n" + ROUTES),
                        "@D/b.conf:1: [server] 0.0.0.0:8080 overlaps 127.0.0.1:8080 at @D/a.conf:1: a wildcard address"
                                + " takes the port on every interface; give both sites the same ip"),
                files("IPv4 and IPv6 wildcards on one port", f -> f
                                .file("a.conf", "[server]\nip = ::\nport = 8080\n" + ROUTES)
                                .file("b.conf", "[server]\nip = 0.0.0.0\nport = 8080\n" + ROUTES),
                        "@D/b.conf:1: [server] 0.0.0.0:8080 overlaps [::]:8080 at @D/a.conf:1: a wildcard address"
                                + " takes the port on every interface; give both sites the same ip"),
                files("a TLS site and a plain site on one port", f -> f
                                .file("a.conf", "[server]\nport = 8443\n[ssl]\nenable_ssl = yes\ncertfile = a.pem\n" + ROUTES)
                                .file("b.conf", "[server]\nport = 8443\n[routes:line]\n@ b.test\n/ = return 200 OK\n"),
                        "@D/b.conf:1: 127.0.0.1:8443 is TLS for the site of @D/a.conf and plain HTTP for this one; one port"
                                + " speaks one of them: give this site another port, or enable_ssl = yes here"),
                files("TLS sites on one port that disagree on http2", f -> f
                                .file("a.conf", "[server]\nport = 8443\n[ssl]\nenable_ssl = yes\ncertfile = a.pem\n" + ROUTES)
                                .file("b.conf", "[server]\nport = 8443\n[ssl]\nenable_ssl = yes\ncertfile = b.pem\nhttp2 = no\n"
                                        + "[routes:line]\n@ b.test\n/ = return 200 OK\n"),
                        "@D/b.conf:6: [ssl] http2 differs from the one of the first site on 127.0.0.1:8443 (@D/a.conf);"
                                + " sites sharing a TLS port must agree on it (it is chosen before the requested name is known)"),
                files("several errors in several files at once", f -> f
                                .file("a.conf", "[server]\nport = 0\n[routes:line]\n/ = @missing\n")
                                .file("b.conf", "[server]\nport = 5001\nthreads = many\n[ssl]\nenable_ssl = yes\n"
                                        + "[routes:line]\n/ = /var/wsgi/app:app\n")
                                .file("c.conf", "[server]\nport = 5002\n[@api]\nmembers = 10.0.0.1:80 weight=0\n"
                                        + "[routes:line]\n/x = @api\noops\n"),
                        "@D/a.conf:2: [server] port must be a port number 1..65535, got 0",
                        "@D/a.conf:4: unknown cluster @missing; known clusters: @api",
                        "@D/b.conf:3: [server] threads must be 0..256, got \"many\"",
                        "@D/b.conf:5: [ssl] enable_ssl = yes needs certfile (a PEM certificate chain, or one file with"
                                + " the certificate and its key); make one for trying things out with: gatehouse cert HOST",
                        "@D/b.conf:7: route / = \"/var/wsgi/app:app\": this is a Skitai WSGI app mount, and Gatehouse"
                                + " runs no Python apps; run the app under its own server (gunicorn, uwsgi, skitai) and"
                                + " route to it with / = http://127.0.0.1:8000 or a cluster",
                        "@D/c.conf:4: [@api] weight must be 1..256, got 0",
                        "@D/c.conf:7: expected PATH = TARGET or @ host ..., got \"oops\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"sourceCases", "envCases", "serverCases", "sslAndGatewayCases", "tuneFactorCases",
            "globalSectionCases", "clusterCases", "memberPolicyCases", "cacheCases", "memberTlsCases", "routeCases", "directoryCases"})
    void reportsEachProblemAtItsFileAndLine(Case c, @TempDir Path tmp) {
        ConfDirFixture f = new ConfDirFixture(tmp);
        c.setup().accept(f);
        LoadOutcome outcome = f.load(c.env());
        assertEquals(c.expected(), f.shown(outcome.problems()));
        boolean anyError = c.expected().stream().anyMatch(line -> !line.contains(": warning: "));
        assertEquals(anyError, outcome.config().isEmpty(), "config present exactly when there is no error");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("missingDirectories")
    void reportsAMissingOrWrongDirectoryAtTheDirectory(String what, @TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("conf.d");
        if (what.equals("a file instead of a directory")) {
            Files.writeString(dir, "x");
        }
        LoadOutcome outcome = ConfLoader.load(dir, Map.of());
        assertFalse(outcome.ok());
        String expected = what.equals("a file instead of a directory")
                ? dir + ": not a directory; expected a directory of *.conf files"
                : dir + ": configuration directory does not exist";
        assertEquals(List.of(expected), outcome.problems().stream().map(Object::toString).toList());
    }

    static Stream<String> missingDirectories() {
        return Stream.of("a missing directory", "a file instead of a directory");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sourceCases")
    void neverPresentsAConfigurationWithErrors(Case c, @TempDir Path tmp) {
        ConfDirFixture f = new ConfDirFixture(tmp);
        c.setup().accept(f);
        LoadOutcome outcome = f.load();
        assertTrue(outcome.config().isEmpty() || outcome.problems().stream().noneMatch(p -> p.isError()));
    }
}
