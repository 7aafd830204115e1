package io.gatehouse.config.bind;

import io.gatehouse.config.model.ClusterTarget;
import io.gatehouse.config.model.FixedResponseTarget;
import io.gatehouse.config.model.HostPattern;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.RedirectTarget;
import io.gatehouse.config.model.RouteSpec;
import io.gatehouse.config.model.StaticDirTarget;
import io.gatehouse.config.model.Target;
import io.gatehouse.config.model.UpstreamUrlTarget;
import io.gatehouse.config.model.VirtualHostSpec;
import io.gatehouse.config.source.EnvSubstitution;
import io.gatehouse.config.source.IniLine;
import io.gatehouse.config.source.IniSection;
import io.gatehouse.config.source.Shown;
import io.gatehouse.config.source.SourcePos;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the {@code [routes:line]} section line by line. {@code @ host1 host2} starts a virtual-host
 * group; the lines before any {@code @} line are the default group. Every other line is
 * {@code PATH = TARGET}, where TARGET is {@code @cluster}, {@code http(s)://host[:port][/base]},
 * {@code return CODE [TEXT]}, {@code redirect CODE URL} or a static directory. Lines with the same path
 * in one group become one {@link RouteSpec}: the static directories in file order, then at most one
 * other target. Skitai's WSGI mounts ({@code /var/wsgi/app:app}) are refused with what to do instead.
 */
public final class RouteLineParser {
    /** The route map of one file, and how many {@code PATH = TARGET} lines it had, valid or not. */
    public record RouteMap(List<VirtualHostSpec> vhosts, int routeLines) {
        public RouteMap {
            vhosts = List.copyOf(vhosts);
        }
    }

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://.*");
    private static final Pattern WSGI_MOUNT = Pattern.compile("\\S*:[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern STATUS = Pattern.compile("[0-9]{3}");
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final Path staticBase;
    private final EnvSubstitution env;
    private final Problems problems;

    /**
     * @param staticBase the directory that relative static directories resolve against (conf.d's parent)
     */
    public RouteLineParser(Path staticBase, EnvSubstitution env, Problems problems) {
        this.staticBase = staticBase;
        this.env = env;
        this.problems = problems;
    }

    private static final class Group {
        final SourcePos pos;
        final List<HostPattern> hosts;
        final boolean broken;
        int lines;
        final Map<String, PathTargets> paths = new LinkedHashMap<>();

        Group(SourcePos pos, List<HostPattern> hosts, boolean broken) {
            this.pos = pos;
            this.hosts = hosts;
            this.broken = broken;
        }
    }

    private static final class PathTargets {
        final SourcePos first;
        final List<Target> statics = new ArrayList<>();
        Target other;

        PathTargets(SourcePos first) {
            this.first = first;
        }
    }

    /** Parses {@code section}; every bad line is reported and skipped. */
    public RouteMap parse(IniSection section) {
        List<Group> groups = new ArrayList<>();
        Group current = null;
        int routeLines = 0;
        for (IniLine line : section.lines()) {
            String text = env.apply(line.text(), line.pos(), problems::substitutionError);
            if (text.startsWith("@")) {
                current = hostGroup(line.pos(), text);
                groups.add(current);
                continue;
            }
            routeLines++;
            if (current == null) {
                current = new Group(line.pos(), List.of(), false);
                groups.add(current);
            }
            current.lines++;
            routeLine(current, line.pos(), text);
        }
        List<VirtualHostSpec> vhosts = new ArrayList<>();
        for (Group group : groups) {
            if (group.broken) {
                continue;
            }
            if (group.lines == 0) {
                problems.warning(group.pos, "@ " + hostList(group.hosts)
                        + " has no route lines below it; these hosts would answer nothing");
            }
            List<RouteSpec> routes = new ArrayList<>();
            for (Map.Entry<String, PathTargets> e : group.paths.entrySet()) {
                PathTargets p = e.getValue();
                List<Target> targets = new ArrayList<>(p.statics);
                if (p.other != null) {
                    targets.add(p.other);
                }
                routes.add(new RouteSpec(p.first, e.getKey(), targets));
            }
            vhosts.add(new VirtualHostSpec(group.pos, group.hosts, routes));
        }
        return new RouteMap(vhosts, routeLines);
    }

    private Group hostGroup(SourcePos pos, String text) {
        String rest = text.substring(1).strip();
        if (rest.isEmpty()) {
            problems.error(pos, "@ line names no host; expected @ host1 host2 ...");
            return new Group(pos, List.of(), true);
        }
        List<HostPattern> hosts = new ArrayList<>();
        boolean bad = false;
        for (String token : rest.split("\\s+")) {
            String problem = hostPatternProblem(token);
            if (problem != null) {
                problems.error(pos, problem);
                bad = true;
            } else {
                hosts.add(HostPattern.parse(token));
            }
        }
        return new Group(pos, hosts, bad);
    }

    /** Why {@code token} is not a host pattern, or null when it is one. */
    static String hostPatternProblem(String token) {
        if (token.equals("*")) {
            return "\"*\" is not a host pattern; routes for every host go before the first @ line";
        }
        String name = token.startsWith("*.") ? token.substring(2) : token.startsWith(".") ? token.substring(1) : token;
        if (!HostPorts.isHostName(name)) {
            return "bad host pattern " + Shown.of(token)
                    + "; expected a host name (www.a.com), .a.com (a.com and its subdomains) or *.a.com"
                    + " (its subdomains), without a port";
        }
        return null;
    }

    private void routeLine(Group group, SourcePos pos, String text) {
        int eq = text.indexOf('=');
        if (eq < 0) {
            problems.error(pos, "expected PATH = TARGET or @ host ..., got " + Shown.of(text));
            return;
        }
        String rawPath = text.substring(0, eq).strip();
        String rawTarget = text.substring(eq + 1).strip();
        String path;
        try {
            path = routePath(rawPath);
        } catch (BadValueException e) {
            problems.error(pos, "bad route path " + Shown.of(rawPath) + ": " + e.getMessage());
            return;
        }
        Target target;
        try {
            target = target(pos, path, rawTarget);
        } catch (BadValueException e) {
            problems.error(pos, "route " + Shown.cut(path) + " = " + Shown.of(rawTarget) + ": " + e.getMessage());
            return;
        }
        PathTargets p = group.paths.computeIfAbsent(path, k -> new PathTargets(pos));
        if (target.isFallThrough()) {
            p.statics.add(target);
        } else if (p.other != null) {
            problems.error(pos, "route " + Shown.cut(path) + " already has a target at " + p.other.pos()
                    + "; a path takes static directories and at most one other target");
        } else {
            p.other = target;
        }
    }

    /**
     * A route path: starts with {@code /}; no whitespace, {@code ?}, {@code #}, empty, {@code .} or
     * {@code ..} segments; a trailing {@code /} is removed except for {@code /} itself.
     */
    public static String routePath(String raw) {
        if (raw.isEmpty()) {
            throw new BadValueException("it is empty; expected a path starting with /");
        }
        if (raw.charAt(0) != '/') {
            throw new BadValueException("it must start with /");
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '\uFFFD') {
                throw new BadValueException("it must not contain whitespace or control characters");
            }
            if (c == '?' || c == '#') {
                throw new BadValueException("it must not contain ? or # (a route matches the path only)");
            }
        }
        String path = raw.length() > 1 && raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
        if (path.equals("/")) {
            return path;
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty()) {
                throw new BadValueException("it must not contain an empty segment (//)");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new BadValueException("it must not contain . or .. segments");
            }
        }
        return path;
    }

    private Target target(SourcePos pos, String path, String raw) {
        if (raw.isEmpty()) {
            throw new BadValueException("no target; expected @cluster, http(s)://host[:port][/path],"
                    + " return CODE [TEXT], redirect CODE URL or a directory");
        }
        if (raw.charAt(0) == '@') {
            String name = raw.substring(1);
            if (!ClusterSectionBinder.isValidName(name)) {
                throw new BadValueException("bad cluster name; expected @name with up to 100 letters, digits, '_', '.'"
                        + " or '-'");
            }
            return new ClusterTarget(pos, name);
        }
        String lower = raw.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return upstreamUrl(pos, raw);
        }
        if (SCHEME.matcher(raw).matches()) {
            throw new BadValueException("unsupported scheme " + raw.substring(0, raw.indexOf("://") + 3)
                    + "; expected http:// or https://");
        }
        String[] words = raw.split("\\s+", 3);
        String keyword = words[0].toLowerCase(Locale.ROOT);
        if (keyword.equals("return")) {
            return fixedResponse(pos, words);
        }
        if (keyword.equals("redirect")) {
            return redirect(pos, raw);
        }
        return staticDir(pos, path, raw);
    }

    private static UpstreamUrlTarget upstreamUrl(SourcePos pos, String raw) {
        int schemeEnd = raw.indexOf("://");
        boolean tls = raw.substring(0, schemeEnd).equalsIgnoreCase("https");
        String rest = raw.substring(schemeEnd + 3);
        if (rest.indexOf('?') >= 0 || rest.indexOf('#') >= 0) {
            throw new BadValueException("an upstream URL takes no query or fragment");
        }
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String base = slash < 0 ? "" : rest.substring(slash);
        if (authority.indexOf('@') >= 0) {
            throw new BadValueException("an upstream URL takes no user info (user@host)");
        }
        if (authority.isEmpty()) {
            throw new BadValueException("the upstream URL names no host");
        }
        HostPort address = HostPorts.parse(authority, tls ? 443 : 80);
        String basePath;
        if (base.isEmpty() || base.equals("/")) {
            basePath = "";
        } else {
            try {
                basePath = routePath(base);
            } catch (BadValueException e) {
                throw new BadValueException("bad upstream base path " + Shown.of(base) + ": " + e.getMessage());
            }
        }
        return new UpstreamUrlTarget(pos, tls, address, basePath);
    }

    private static FixedResponseTarget fixedResponse(SourcePos pos, String[] words) {
        if (words.length < 2 || !STATUS.matcher(words[1]).matches()
                || Integer.parseInt(words[1]) < 200 || Integer.parseInt(words[1]) > 599) {
            throw new BadValueException("expected return CODE [TEXT] with CODE 200..599");
        }
        return new FixedResponseTarget(pos, Integer.parseInt(words[1]), words.length > 2 ? words[2].strip() : "");
    }

    private static RedirectTarget redirect(SourcePos pos, String raw) {
        String[] words = raw.split("\\s+");
        String expected = "expected redirect CODE URL with CODE 301, 302, 303, 307 or 308";
        if (words.length != 3 || !STATUS.matcher(words[1]).matches()
                || !REDIRECTS.contains(Integer.parseInt(words[1]))) {
            throw new BadValueException(expected);
        }
        String location = words[2];
        if (location.startsWith("/") && !location.startsWith("//")) {
            return new RedirectTarget(pos, Integer.parseInt(words[1]), location);
        }
        try {
            URI uri = new URI(location);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return new RedirectTarget(pos, Integer.parseInt(words[1]), location);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new BadValueException("the redirect URL must be absolute (http:// or https://) or start with /");
    }

    private StaticDirTarget staticDir(SourcePos pos, String path, String raw) {
        Path root = resolve(raw);
        if (root != null && Files.isDirectory(root)) {
            return new StaticDirTarget(pos, root);
        }
        if (WSGI_MOUNT.matcher(raw).matches() || (root != null && isPythonModule(root))) {
            throw new BadValueException("this is a Skitai WSGI app mount, and Gatehouse runs no Python apps;"
                    + " run the app under its own server (gunicorn, uwsgi, skitai) and route to it with "
                    + path + " = http://127.0.0.1:8000 or a cluster");
        }
        if (root == null) {
            throw new BadValueException("not a usable directory path");
        }
        if (Files.exists(root)) {
            throw new BadValueException("static directory " + Shown.cut(root.toString()) + " is not a directory");
        }
        throw new BadValueException("static directory " + Shown.cut(root.toString()) + " does not exist");
    }

    private Path resolve(String raw) {
        try {
            Path p = Path.of(raw);
            return (p.isAbsolute() ? p : staticBase.resolve(p)).normalize();
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** Skitai also mounts {@code /var/wsgi/app} meaning {@code app.py}'s {@code app} callable. */
    private static boolean isPythonModule(Path root) {
        Path name = root.getFileName();
        return name != null && Files.isRegularFile(root.resolveSibling(name + ".py"));
    }

    private static String hostList(List<HostPattern> hosts) {
        List<String> names = new ArrayList<>();
        hosts.forEach(h -> names.add(h.toString()));
        return String.join(" ", names);
    }
}
