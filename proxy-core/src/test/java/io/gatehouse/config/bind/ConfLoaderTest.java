package io.gatehouse.config.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.ConfDirFixture;
import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.ClusterTarget;
import io.gatehouse.config.model.FixedResponseTarget;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.GatewaySpec;
import io.gatehouse.config.model.HostPattern;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.ListenerSpec;
import io.gatehouse.config.model.LogSpec;
import io.gatehouse.config.model.MemberSpec;
import io.gatehouse.config.model.ProxyPassSpec;
import io.gatehouse.config.model.RedirectTarget;
import io.gatehouse.config.model.RouteSpec;
import io.gatehouse.config.model.ServerSpec;
import io.gatehouse.config.model.SiteSpec;
import io.gatehouse.config.model.KeyPositions;
import io.gatehouse.config.model.SslSpec;
import io.gatehouse.config.model.StaticDirTarget;
import io.gatehouse.config.model.Target;
import io.gatehouse.config.model.TuneFactors;
import io.gatehouse.config.model.UpstreamUrlTarget;
import io.gatehouse.config.model.VirtualHostSpec;
import io.gatehouse.config.source.SourcePos;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A valid directory binds to exactly the model an operator would expect; the seed's samples load. */
class ConfLoaderTest {
    @TempDir
    Path tmp;

    private static final String SITE_A = """
            ; the shop, on every interface
            [server]
            ip = 0.0.0.0
            port = 8080
            name = front
            threads = 8

            [ssl]
            enable_ssl = no
            certfile = server.pem
            keyfile = server.key
            passphrase = ${TLS_PASS}
            [tunefactors]
            static_max_age = 1h
            response_timeout = 30
            keep_alive = 500ms
            num_result_cache_max = 50
            header_timeout = 5s
            max_header_size = 64k
            send_timeout = 2m
            client_body_timeout = 45s
            [api-gateway]
            enable_gateway = yes
            authenticate = no
            realm = Shop
            secret_key = %(JWT_KEY)s

            [proxypass]
            cache_memory = 16
            cache_disk = 100

            [log]
            dir = /var/log/gatehouse
            ring_size = 500
            retain_days = 0

            [routes:line]
            / = @app
            / = www                         ; static files first, whatever the line order
            /hc = return 200 OK  all good
            /old/ = redirect 301 https://new.example/path
            /about = https://www.python.org
            /v1 = http://[::1]:9000/api/v1/

            @ www.shop.example SHOP.example
            / = @app
            /static = www

            @ .img.example *.cdn.example
            / = http://10.0.0.9

            [@app]
            members = 10.0.0.1:5000 weight=3, 10.0.0.2:5000 backup, [::1], App.Internal
            strategy = ROUND_ROBIN
            ssl = no
            roles =
            ips =
            """;

    private static final String SITE_B = """
            [SERVER]
            IP = 0.0.0.0
            Port = 8080

            [routes:line]
            @ api.example
            / = @api

            [@api]
            ssl = yes
            members = api1.internal, api2.internal:8443
            """;

    private static final String SITE_C = """
            [route:line]
            / = return 404 nothing here
            """;

    @Test
    void bindsAFullDirectoryToTheExpectedModel() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        Path www = f.mkdir("www");
        f.file("a.conf", SITE_A).file("b.conf", SITE_B).file("c.conf", SITE_C);
        String a = f.dir().resolve("a.conf").toString();
        String b = f.dir().resolve("b.conf").toString();
        String c = f.dir().resolve("c.conf").toString();

        LoadOutcome outcome = f.load(Map.of("TLS_PASS", "s3cret", "JWT_KEY", "k3y"));

        // Only the key of a feature not in this version (ring_size) and a secret_key no token check uses
        // (authenticate = no) are warned about; the cache keys take effect.
        assertEquals(List.of(
                a + ":26: warning: [api-gateway] secret_key has no effect without enable_gateway = yes and"
                        + " authenticate = yes",
                a + ":34: warning: [log] ring_size: the admin console that shows the latest requests is not in this"
                        + " version; the value is checked and kept, nothing uses it"),
                outcome.problems().stream().map(Object::toString).toList());
        GatehouseConfig config = outcome.config().orElseThrow();
        assertEquals(f.dir(), config.confDir());
        assertEquals(List.of(a, b, c), config.sites().stream().map(SiteSpec::file).toList());

        SiteSpec siteA = config.sites().get(0);
        assertEquals(new ServerSpec(new SourcePos(a, 2), new HostPort("0.0.0.0", 8080), new SourcePos(a, 4), "front", 8, 1),
                siteA.server());
        assertEquals(new SourcePos(a, 8), siteA.ssl().pos());
        assertFalse(siteA.ssl().enabled());
        assertEquals(Optional.of(f.dir().toAbsolutePath().getParent().resolve("server.pem")), siteA.ssl().certfile());
        assertEquals(Optional.of(f.dir().toAbsolutePath().getParent().resolve("server.key")), siteA.ssl().keyfile());
        assertEquals("s3cret", siteA.ssl().passphrase());
        assertEquals(new TuneFactors(Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofMillis(500), 50,
                Duration.ofSeconds(5), 64 * 1024, Duration.ofMinutes(2), Duration.ofSeconds(45), 0), siteA.tune());
        GatewaySpec gateway = siteA.gateway();
        assertEquals(List.of(new SourcePos(a, 22), true, false, "Shop", "k3y"),
                List.of(gateway.pos(), gateway.enabled(), gateway.authenticate(), gateway.realm(), gateway.secretKey()));
        assertEquals(new SourcePos(a, 26), gateway.keys().of("secret_key"));
        assertEquals(List.of("X-Auth-User", "X-Auth-Roles", "user", "roles", Duration.ofSeconds(30)),
                List.of(gateway.userHeader(), gateway.rolesHeader(), gateway.userClaim(), gateway.rolesClaim(),
                        gateway.leeway()));
        assertEquals(new ProxyPassSpec(new SourcePos(a, 28), 16, 100, Path.of("cache"), new SourcePos(a, 28), 8 << 20,
                true), config.proxyPass());
        assertEquals(new LogSpec(new SourcePos(a, 32), Path.of("/var/log/gatehouse"), new SourcePos(a, 33), 500, 0,
                LogSpec.Level.INFO, true), config.log());

        List<VirtualHostSpec> vhosts = siteA.vhosts();
        assertEquals(3, vhosts.size());
        VirtualHostSpec byDefault = vhosts.get(0);
        assertTrue(byDefault.isDefault());
        assertEquals(new SourcePos(a, 38), byDefault.pos());
        assertEquals(List.of(
                new RouteSpec(new SourcePos(a, 38), "/", List.of(
                        new StaticDirTarget(new SourcePos(a, 39), www),
                        new ClusterTarget(new SourcePos(a, 38), "app"))),
                new RouteSpec(new SourcePos(a, 40), "/hc", List.of(
                        new FixedResponseTarget(new SourcePos(a, 40), 200, "OK  all good"))),
                new RouteSpec(new SourcePos(a, 41), "/old", List.of(
                        new RedirectTarget(new SourcePos(a, 41), 301, "https://new.example/path"))),
                new RouteSpec(new SourcePos(a, 42), "/about", List.of(
                        new UpstreamUrlTarget(new SourcePos(a, 42), true, new HostPort("www.python.org", 443), ""))),
                new RouteSpec(new SourcePos(a, 43), "/v1", List.of(
                        new UpstreamUrlTarget(new SourcePos(a, 43), false, new HostPort("::1", 9000), "/api/v1")))),
                byDefault.routes());
        assertEquals(new VirtualHostSpec(new SourcePos(a, 45),
                List.of(HostPattern.parse("www.shop.example"), HostPattern.parse("shop.example")),
                List.of(new RouteSpec(new SourcePos(a, 46), "/", List.of(new ClusterTarget(new SourcePos(a, 46), "app"))),
                        new RouteSpec(new SourcePos(a, 47), "/static",
                                List.of(new StaticDirTarget(new SourcePos(a, 47), www))))),
                vhosts.get(1));
        assertEquals(List.of(new HostPattern(HostPattern.Kind.DOT_SUFFIX, "img.example"),
                new HostPattern(HostPattern.Kind.STAR_SUFFIX, "cdn.example")), vhosts.get(2).hosts());

        assertEquals(List.of("app", "api"), List.copyOf(config.clusters().keySet()));
        ClusterSpec app = config.clusters().get("app");
        SourcePos members = new SourcePos(a, 53);
        assertEquals(new ClusterSpec(new SourcePos(a, 52), "app", List.of(
                new MemberSpec(members, new HostPort("10.0.0.1", 5000), 3, false),
                new MemberSpec(members, new HostPort("10.0.0.2", 5000), 1, true),
                new MemberSpec(members, new HostPort("::1", 80), 1, false),
                new MemberSpec(members, new HostPort("app.internal", 80), 1, false)),
                false, "round_robin", List.of(), List.of(), ClusterSpec.DEFAULT_RESOLVE_INTERVAL)
                .withKeys(new KeyPositions(new SourcePos(a, 52), Map.of("members", members,
                        "strategy", new SourcePos(a, 54), "ssl", new SourcePos(a, 55), "roles", new SourcePos(a, 56),
                        "ips", new SourcePos(a, 57)))), app);
        ClusterSpec api = config.clusters().get("api");
        assertTrue(api.ssl());
        assertEquals(List.of(new HostPort("api1.internal", 443), new HostPort("api2.internal", 8443)),
                api.members().stream().map(MemberSpec::address).toList());

        SiteSpec siteC = config.sites().get(2);
        assertEquals(new ServerSpec(SourcePos.ofFile(c), new HostPort("127.0.0.1", 5000), SourcePos.ofFile(c), "", 4, 1),
                siteC.server());
        assertEquals(TuneFactors.DEFAULTS, siteC.tune());
        assertEquals(SslSpec.disabled(SourcePos.ofFile(c)), siteC.ssl());
        assertEquals(GatewaySpec.disabled(SourcePos.ofFile(c)), siteC.gateway());
        assertEquals(List.of(new FixedResponseTarget(new SourcePos(c, 2), 404, "nothing here")),
                siteC.vhosts().get(0).routes().get(0).targets());

        assertEquals(List.of(new HostPort("0.0.0.0", 8080), new HostPort("127.0.0.1", 5000)),
                config.listeners().stream().map(ListenerSpec::bind).toList());
        assertEquals(List.of(a, b), config.listeners().get(0).sites().stream().map(SiteSpec::file).toList());
        assertEquals(a, config.listeners().get(0).primary().file());
        assertEquals(8, config.workerThreads());
        assertEquals(1, config.ioThreads(), "one event loop unless a site asks for more");
    }

    @Test
    void aFileOfOnlyClustersAndGlobalSectionsIsSharedNotASite() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a-site.conf", "[server]\nport = 8080\n\n[routes:line]\n/ = @app\n");
        f.file("clusters.conf", "[@app]\nmembers = 10.0.0.1:80\n");
        f.file("logging.conf", "[log]\ndir = /var/log/gatehouse\n");

        LoadOutcome outcome = f.load();

        assertEquals(List.of(), f.problems());
        GatehouseConfig config = outcome.config().orElseThrow();
        assertEquals(1, config.sites().size(), "one site; the other files only share definitions");
        assertTrue(config.clusters().containsKey("app"));
        assertEquals(Path.of("/var/log/gatehouse"), config.log().dir());
    }

    @Test
    void bindsTheErrorLogAndTheBodyLimit() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("site.conf", """
                [tunefactors]
                max_body_size = 10m

                [log]
                error_level = WARN
                error_stderr = no

                [routes:line]
                / = return 200
                """);

        GatehouseConfig config = f.load().config().orElseThrow();

        assertEquals(10L << 20, config.sites().get(0).tune().maxBodySize());
        assertEquals(LogSpec.Level.WARN, config.log().errorLevel());
        assertFalse(config.log().errorStderr());
        assertEquals(Path.of("logs"), config.log().dir());
        assertTrue(config.log().dirIsDefault(), "no dir line: the default, positioned at the section");
    }

    @Test
    void usesTheDocumentedDefaultsForAMinimalSite() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("site.conf", "[routes:line]\n/ = return 200\n");

        GatehouseConfig config = f.load().config().orElseThrow();

        assertEquals(LogSpec.defaults(), config.log());
        assertEquals(ProxyPassSpec.defaults(), config.proxyPass());
        assertEquals(Map.of(), config.clusters());
        SiteSpec site = config.sites().get(0);
        assertEquals(new HostPort("127.0.0.1", 5000), site.server().bind());
        assertEquals(4, site.server().threads());
        assertEquals(TuneFactors.DEFAULTS, site.tune());
        assertEquals(new FixedResponseTarget(new SourcePos(f.dir().resolve("site.conf").toString(), 2), 200, ""),
                site.vhosts().get(0).routes().get(0).targets().get(0));
    }

    @Test
    void bindsResolveIntervalAndDefaultsItToSixtySeconds() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", """
                [routes:line]
                / = @often
                /never = @never
                /usual = @usual

                [@often]
                members = app.internal:8080
                resolve_interval = 30s

                [@never]
                members = app.internal:8081
                resolve_interval = 0

                [@usual]
                members = app.internal:8082
                """);

        LoadOutcome outcome = f.load();

        assertEquals(List.of(), f.shown(outcome.problems()));
        Map<String, ClusterSpec> clusters = outcome.config().orElseThrow().clusters();
        assertEquals(Duration.ofSeconds(30), clusters.get("often").resolveInterval());
        assertEquals(Duration.ZERO, clusters.get("never").resolveInterval());
        assertEquals(Duration.ofSeconds(60), clusters.get("usual").resolveInterval());
        assertEquals(Duration.ofSeconds(60), ClusterSpec.DEFAULT_RESOLVE_INTERVAL);
    }

    @Test
    void mergesLinesOfOnePathWithStaticDirectoriesFirstInFileOrder() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        Path one = f.mkdir("one");
        Path two = f.mkdir("two");
        f.file("a.conf", "[routes:line]\n/api = http://10.0.0.1:8080/base\n/api/ = one\n/x = return 204\n/api = " + two + "\n");

        GatehouseConfig config = f.load().config().orElseThrow();

        List<RouteSpec> routes = config.sites().get(0).vhosts().get(0).routes();
        assertEquals(List.of("/api", "/x"), routes.stream().map(RouteSpec::path).toList());
        List<Target> targets = routes.get(0).targets();
        assertEquals(3, targets.size());
        assertEquals(one, ((StaticDirTarget) targets.get(0)).root());
        assertEquals(two, ((StaticDirTarget) targets.get(1)).root());
        assertEquals("/base", ((UpstreamUrlTarget) targets.get(2)).basePath());
        assertEquals(2, routes.get(0).pos().line());
    }

    @Test
    void substitutesBothVariableSyntaxesAndKeepsDollarEscapes() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", """
                [server]
                port = ${PORT}
                name = %(SITE)s-$$HOME-$x-100%
                [routes:line]
                /api = http://${UPSTREAM}/v1
                """);

        GatehouseConfig config = f.load(Map.of("PORT", "9090", "SITE", "shop", "UPSTREAM", "10.1.2.3:81"))
                .config().orElseThrow();

        SiteSpec site = config.sites().get(0);
        assertEquals(9090, site.server().bind().port());
        assertEquals("shop-$HOME-$x-100%", site.server().name());
        UpstreamUrlTarget target = (UpstreamUrlTarget) site.vhosts().get(0).routes().get(0).targets().get(0);
        assertEquals(new HostPort("10.1.2.3", 81), target.address());
    }

    @Test
    void keepsConfigurationWhenThereAreOnlyWarnings() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", "[server]\nthreads = 0\nprocesses = 4\n[admin]\nip = 10.0.0.1\nport = 1\n"
                + "token = 0123456789abcdef\n[routes:line]\n/ = return 200\n");

        LoadOutcome outcome = f.load();

        assertTrue(outcome.ok());
        assertEquals(1, outcome.config().orElseThrow().sites().get(0).server().threads());
        assertEquals(4, outcome.config().orElseThrow().ioThreads(), "processes sets the event loops");
        assertEquals(2, outcome.problems().size());
        assertTrue(outcome.problems().stream().noneMatch(p -> p.isError()));
    }

    @Test
    void treatsTwoSpellingsOfOneAddressAsOneListener() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", "[server]\nip = ::1\n[routes:line]\n/ = return 200\n");
        f.file("b.conf", "[server]\nip = [0:0:0:0:0:0:0:1]\n[routes:line]\n@ b.example\n/ = return 200\n");

        GatehouseConfig config = f.load().config().orElseThrow();

        assertEquals(1, config.listeners().size());
        assertEquals(new HostPort("::1", 5000), config.listeners().get(0).bind());
    }

    @Test
    void refusesLocalhostBesideTheLoopbackAddressOnOnePort() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", "[server]\nip = 127.0.0.1\n[routes:line]\n/ = return 200\n");
        f.file("b.conf", "[server]\nip = localhost\n[routes:line]\n/ = return 200\n");

        assertEquals(List.of("@D/b.conf:1: [server] localhost:5000 overlaps 127.0.0.1:5000 at @D/a.conf:1: localhost"
                + " is the loopback address; give both sites the same ip"), f.problems());
    }

    @Test
    void allowsTheSameHostOnDifferentListenersAndAnExactNameBesideItsSuffix() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", "[server]\nport = 80\n[routes:line]\n@ a.example .b.example\n/ = return 200\n");
        f.file("b.conf", "[server]\nport = 81\n[routes:line]\n@ a.example\n/ = return 200\n");
        f.file("c.conf", "[server]\nport = 80\n[routes:line]\n@ b.example *.a.example\n/ = return 200\n");

        LoadOutcome outcome = f.load();

        assertEquals(List.of(), outcome.problems());
        assertEquals(2, outcome.config().orElseThrow().listeners().size());
    }

    @Test
    void readsCrLfFilesWithAByteOrderMarkAndKeepsLineNumbers() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", "\uFEFF[server]\r\n# comment\r\n\r\nport = 0\r\n[routes:line]\r\n/ = return 200\r\n");

        assertEquals(List.of("@D/a.conf:4: [server] port must be a port number 1..65535, got 0"), f.problems());
    }

    @Test
    void loadsTheSeedSampleConfigurationWithExactlyTheExpectedProblems() throws IOException {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.bytes("example.conf", resource("example.conf"));

        assertEquals(List.of(
                "@D/example.conf:29: route / = \"/var/wsgi/example/static\": static directory /var/wsgi/example/static"
                        + " does not exist",
                "@D/example.conf:30: route / = \"/var/wsgi/example/webapp\": static directory /var/wsgi/example/webapp"
                        + " does not exist",
                "@D/example.conf:38: [@sqlite3] type = sqlite3: database members are not a proxy's job; let the"
                        + " application connect to its database itself and remove this section"), f.problems());
    }

    @Test
    void loadsTheSeedSampleOnceItsDirectoriesExist() throws IOException {
        ConfDirFixture f = new ConfDirFixture(tmp);
        Path www = f.mkdir("www");
        String seed = new String(resource("example.conf"), java.nio.charset.StandardCharsets.UTF_8)
                .replace("/var/wsgi/example/static", www.toString())
                .replace("/ = /var/wsgi/example/webapp", "/ = http://127.0.0.1:8000")
                .replace("[@sqlite3]\ntype = sqlite3\nmembers = /var/wsgi/example/resources/sqlite3.db", "");
        f.file("example.conf", seed);

        LoadOutcome outcome = f.load();

        assertTrue(outcome.ok(), () -> outcome.problems().toString());
        GatehouseConfig config = outcome.config().orElseThrow();
        ClusterSpec python = config.clusters().get("python");
        assertTrue(python.ssl());
        assertEquals(new HostPort("www.python.org", 443), python.members().get(0).address());
        SourcePos proxyPass = new SourcePos(f.dir().resolve("example.conf").toString(), 20);
        assertEquals(new ProxyPassSpec(proxyPass, 8, 0, Path.of("cache"), proxyPass, 8 << 20, true), config.proxyPass());
        assertTrue(config.cachingOnByDefault(), "the seed writes [proxypass] with cache_memory = 8: it caches");
    }

    @Test
    void loadsTheSeedGatewayExampleWithAccessControlKeptForTheAuthModule() throws IOException {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.bytes("gateway.conf", resource("gateway.conf"));

        // authenticate, roles and ips bind; whether they can be served is the auth module's check.
        assertEquals(List.of(
                "@D/gateway.conf:8: route / = \"/var/wsgi/example/gateway:app\": this is a Skitai WSGI app mount, and"
                        + " Gatehouse runs no Python apps; run the app under its own server (gunicorn, uwsgi, skitai)"
                        + " and route to it with / = http://127.0.0.1:8000 or a cluster"), f.problems());
    }

    @Test
    void loadsTheSeedVirtualHostExampleWithItsOverlappingSuffixesReported() throws IOException {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.bytes("vhosts.conf", resource("vhosts.conf"));
        String wsgi = ": this is a Skitai WSGI app mount, and Gatehouse runs no Python apps; run the app under its own"
                + " server (gunicorn, uwsgi, skitai) and route to it with ";

        assertEquals(List.of(
                "@D/vhosts.conf:3: route / = \"/home/user/www/static\": static directory /home/user/www/static does not"
                        + " exist",
                "@D/vhosts.conf:4: route / = \"/home/user/www/wsig:app\"" + wsgi + "/ = http://127.0.0.1:8000 or a cluster",
                "@D/vhosts.conf:10: route / = \"/home/user/mydomain.www/static\": static directory"
                        + " /home/user/mydomain.www/static does not exist",
                "@D/vhosts.conf:11: route /service = \"/home/user/mydomain.www/wsgi:app\"" + wsgi
                        + "/service = http://127.0.0.1:8000 or a cluster",
                "@D/vhosts.conf:17: route / = \"home/user/mydomain.any/static\": static directory"
                        + " @T/home/user/mydomain.any/static does not exist",
                "@D/vhosts.conf:18: route / = \"home/user/mydomain.any/wsgi:app\"" + wsgi
                        + "/ = http://127.0.0.1:8000 or a cluster",
                "@D/vhosts.conf:22: host *.mydomain.com on 127.0.0.1:5000 is also claimed at @D/vhosts.conf:15"
                        + " (as .mydomain.com)",
                "@D/vhosts.conf:24: route / = \"home/user/mydomain2.any/static\": static directory"
                        + " @T/home/user/mydomain2.any/static does not exist",
                "@D/vhosts.conf:25: route / = \"home/user/mydomain2.any/wsgi:app\"" + wsgi
                        + "/ = http://127.0.0.1:8000 or a cluster"), f.problems());
    }

    @Test
    void reportsEveryProblemWithFileAndLine() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", "[server]\nport = 99999\n[tunefactors]\nkeep_alive = 0\n[routes:line]\n/ = @nowhere\n");
        f.file("b.conf", "[server]\nport = 8080\n[bogus]\n[routes:line]\n/x = redirect 301\n");

        LoadOutcome outcome = f.load();

        assertFalse(outcome.ok());
        List<String> where = outcome.problems().stream().map(p -> f.shown(p.pos().toString())).toList();
        assertEquals(List.of("@D/a.conf:2", "@D/a.conf:4", "@D/a.conf:6", "@D/b.conf:3", "@D/b.conf:5"), where);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ConfLoaderTest.class.getResourceAsStream("/config/seed/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource config/seed/" + name);
            }
            return in.readAllBytes();
        }
    }
}
