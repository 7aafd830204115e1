package io.gatehouse.config.bind;

import io.gatehouse.config.check.CacheChecks;
import io.gatehouse.config.check.ClusterChecks;
import io.gatehouse.config.check.GlobalSectionChecks;
import io.gatehouse.config.check.ListenerChecks;
import io.gatehouse.config.model.AdminSpec;
import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.GatewaySpec;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.ListenerSpec;
import io.gatehouse.config.model.LogSpec;
import io.gatehouse.config.model.ProxyPassSpec;
import io.gatehouse.config.model.ServerSpec;
import io.gatehouse.config.model.SiteSpec;
import io.gatehouse.config.model.SslSpec;
import io.gatehouse.config.model.TuneFactors;
import io.gatehouse.config.model.VirtualHostSpec;
import io.gatehouse.config.source.ConfDirectory;
import io.gatehouse.config.source.ConfDirectory.ConfFile;
import io.gatehouse.config.source.EnvSubstitution;
import io.gatehouse.config.source.IniFile;
import io.gatehouse.config.source.IniReader;
import io.gatehouse.config.source.IniSection;
import io.gatehouse.config.source.Shown;
import io.gatehouse.config.source.SourcePos;
import io.gatehouse.spi.ConfigCheck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads a {@code conf.d} directory into a {@link GatehouseConfig}, or into the list of everything wrong
 * with it. The one path from files to configuration, used by {@code gatehouse check}, at startup and on
 * reload. It never throws for bad input: each problem is reported at its {@code file:line} and the
 * loader carries on, so that every problem of every file is reported at once.
 */
public final class ConfLoader {
    /** Files larger than this are refused rather than read (a configuration file is a few KiB). */
    public static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

    /** Sections of a site, each at most once per file; {@code [route:line]} counts as {@code [routes:line]}. */
    private static final List<String> SITE_SECTIONS = List.of("server", "ssl", "tunefactors", "api-gateway",
            "routes:line");

    /** Every section name an operator may write, for the unknown-section message. */
    public static final List<String> KNOWN_SECTIONS = List.of("[server]", "[ssl]", "[tunefactors]", "[api-gateway]",
            "[routes:line]", "[@name]", "[proxypass]", "[log]", "[admin]");

    private ConfLoader() {
    }

    /**
     * Loads every {@code *.conf} of {@code dir}. Messages name files as {@code dir.resolve(name)}, so a
     * relative {@code conf.d} gives {@code conf.d/site.conf:12: ...}.
     *
     * @param env the variables for {@code ${NAME}} and {@code %(NAME)s} (the process environment, usually)
     */
    public static LoadOutcome load(Path dir, Map<String, String> env) {
        return load(dir, env, List.of());
    }

    /**
     * Loads every {@code *.conf} of {@code dir}, then runs {@code checks} (other modules' checks, see
     * {@link ConfigCheck}) on the configuration when it has no error of its own.
     */
    public static LoadOutcome load(Path dir, Map<String, String> env, List<ConfigCheck> checks) {
        Objects.requireNonNull(dir, "dir");
        Problems problems = new Problems();
        try {
            Optional<GatehouseConfig> config = loadInto(dir, new EnvSubstitution(env == null ? Map.of() : env),
                    problems);
            if (config.isPresent()) {
                for (ConfigCheck check : checks) {
                    check.check(config.get()).forEach(problems::add);
                }
            }
            return new LoadOutcome(problems.hasErrors() ? Optional.empty() : config, problems.sorted());
        } catch (RuntimeException | StackOverflowError e) {
            problems.error(SourcePos.ofFile(dir.toString()), "internal error while reading the configuration"
                    + " (a Gatehouse bug, please report it): " + e);
            return new LoadOutcome(Optional.empty(), problems.sorted());
        }
    }

    private static Optional<GatehouseConfig> loadInto(Path dir, EnvSubstitution env, Problems problems) {
        List<ConfFile> files = ConfDirectory.list(dir, problems::error);
        Path absolute = dir.toAbsolutePath().normalize();
        Path staticBase = absolute.getParent() == null ? absolute : absolute.getParent();

        List<SiteSpec> sites = new ArrayList<>();
        List<BoundCluster> clusters = new ArrayList<>();
        List<ProxyPassSpec> proxyPass = new ArrayList<>();
        List<LogSpec> logs = new ArrayList<>();
        List<SourcePos> adminSections = new ArrayList<>();
        Optional<AdminSpec> admin = Optional.empty();
        for (ConfFile file : files) {
            Optional<byte[]> bytes = ConfDirectory.read(file, MAX_FILE_BYTES, problems::error);
            if (bytes.isEmpty()) {
                continue;
            }
            IniFile ini = IniReader.read(file.displayName(), bytes.get(), problems::error);
            Map<String, IniSection> siteSections = new HashMap<>();
            for (IniSection section : ini.sections()) {
                String name = section.lowerName();
                if (name.startsWith("@")) {
                    ClusterSectionBinder.bind(section, staticBase, env, problems).ifPresent(clusters::add);
                    continue;
                }
                String canonical = name.equals("route:line") ? "routes:line" : name;
                if (SITE_SECTIONS.contains(canonical)) {
                    IniSection first = siteSections.putIfAbsent(canonical, section);
                    if (first != null) {
                        problems.error(section.pos(), "section [" + section.name() + "] is already defined at "
                                + first.pos());
                    }
                    continue;
                }
                switch (canonical) {
                    case "proxypass" -> proxyPass.add(ProxyPassSectionBinder.bind(section, env, problems));
                    case "log" -> logs.add(LogSectionBinder.bind(section, env, problems));
                    case "admin" -> {
                        adminSections.add(section.pos());
                        Optional<AdminSpec> bound = AdminSectionBinder.bind(section, staticBase, env, problems);
                        if (admin.isEmpty()) {
                            admin = bound;
                        }
                    }
                    case "smtpda" -> problems.error(section.pos(), "[smtpda] mail delivery is not a proxy's job;"
                            + " send mail through the system MTA (postfix, sendmail) and remove this section");
                    case "crontab:line" -> problems.error(section.pos(), "[crontab:line] scheduled jobs are not a"
                            + " proxy's job; use cron or systemd timers and remove this section");
                    default -> problems.error(section.pos(), "unknown section " + Shown.of("[" + section.name() + "]")
                            + "; known sections: " + String.join(", ", KNOWN_SECTIONS));
                }
            }
            if (siteSections.isEmpty() && !ini.sections().isEmpty()) {
                // only clusters and global sections ([log], [proxypass]...): a shared file, not a site
                continue;
            }
            sites.add(site(ini, siteSections, staticBase, env, problems));
        }
        if (sites.isEmpty() && !files.isEmpty() && !problems.hasErrors()) {
            problems.error(SourcePos.ofFile(dir.toString()), "no site: no file has a [routes:line] section,"
                    + " so Gatehouse would answer nothing");
        }

        BoundDirectory bound = new BoundDirectory(dir, sites, clusters, proxyPass, logs, adminSections);
        ClusterChecks.check(bound, problems);
        GlobalSectionChecks.check(bound, problems);
        CacheChecks.check(bound, problems);
        List<ListenerSpec> listeners = listeners(sites);
        ListenerChecks.check(listeners, problems);
        if (admin.isPresent()) {
            AdminSectionBinder.checkListeners(admin.get(), listeners, problems);
        }
        if (problems.hasErrors()) {
            return Optional.empty();
        }
        Map<String, ClusterSpec> byName = new LinkedHashMap<>();
        for (BoundCluster cluster : clusters) {
            cluster.spec().ifPresent(spec -> byName.putIfAbsent(cluster.name(), spec));
        }
        return Optional.of(new GatehouseConfig(dir, sites, listeners, byName,
                logs.isEmpty() ? LogSpec.defaults() : logs.get(0),
                proxyPass.isEmpty() ? ProxyPassSpec.defaults() : proxyPass.get(0), admin));
    }

    private static SiteSpec site(IniFile ini, Map<String, IniSection> sections, Path staticBase,
                                 EnvSubstitution env, Problems problems) {
        SourcePos filePos = ini.pos();
        ServerSpec server = ServerSectionBinder.bind(sections.get("server"), filePos, env, problems);
        SslSpec ssl = SslSectionBinder.bind(sections.get("ssl"), filePos, staticBase, env, problems);
        TuneFactors tune = TuneFactorsSectionBinder.bind(sections.get("tunefactors"), env, problems);
        GatewaySpec gateway = GatewaySectionBinder.bind(sections.get("api-gateway"), filePos, env, problems);
        IniSection routes = sections.get("routes:line");
        List<VirtualHostSpec> vhosts = List.of();
        if (routes == null) {
            problems.error(filePos, "no [routes:line] section: this site would answer nothing"
                    + " (a file with [server], [ssl], [tunefactors] or [api-gateway] is a site; a file of only"
                    + " clusters and global sections is not)");
        } else {
            RouteLineParser.RouteMap map = new RouteLineParser(staticBase, env, problems).parse(routes);
            if (map.routeLines() == 0) {
                problems.error(routes.pos(), "[" + routes.name() + "] has no route lines: this site would"
                        + " answer nothing");
            }
            vhosts = map.vhosts();
        }
        return new SiteSpec(ini.file(), server, tune, ssl, gateway, vhosts);
    }

    /** Sites grouped by {@code ip:port}, in order of first appearance. */
    static List<ListenerSpec> listeners(List<SiteSpec> sites) {
        Map<HostPort, List<SiteSpec>> byBind = new LinkedHashMap<>();
        for (SiteSpec site : sites) {
            byBind.computeIfAbsent(site.server().bind(), k -> new ArrayList<>()).add(site);
        }
        List<ListenerSpec> listeners = new ArrayList<>();
        byBind.forEach((bind, group) -> listeners.add(new ListenerSpec(bind, group)));
        return listeners;
    }
}
