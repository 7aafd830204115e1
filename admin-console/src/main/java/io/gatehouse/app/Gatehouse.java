package io.gatehouse.app;

import io.gatehouse.config.bind.ConfLoader;
import io.gatehouse.config.bind.LoadOutcome;
import io.gatehouse.config.check.CheckCommand;
import io.gatehouse.config.source.IoErrors;
import io.gatehouse.runtime.ConfHashes;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.LoggerFactory;

/**
 * The command line: {@code gatehouse run|check|demo|reload [--conf DIR]}, {@code gatehouse cert HOST...} and
 * {@code gatehouse passwd [USER]} ({@link PasswdCommand}).
 * {@code run} serves until SIGTERM or SIGINT, then drains in-flight requests and exits 0; SIGHUP
 * reloads the configuration directory (as a change in it does), and {@code reload} sends SIGHUP to the
 * Gatehouse its pid file names and waits for the outcome ({@link ReloadCommand}). {@code cert} writes a
 * self-signed certificate ({@link CertCommand}).
 */
public final class Gatehouse {
    static {
        StartLogProvider.select(); // before the first logger: SLF4J then need not open every jar (StartLogProvider)
    }

    static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);

    private Gatehouse() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        if (args.length == 0) {
            usage(err);
            return 2;
        }
        String command = args[0];
        switch (command) {
            case "help", "--help", "-h" -> {
                usage(out);
                return 0;
            }
            case "--version", "-v" -> command = "version";
            case "train" -> {
                // the launcher's hidden training run for the class archive (TrainCommand)
                return args.length == 1 ? TrainCommand.run(err) : 2;
            }
            default -> {
            }
        }
        if (!COMMANDS.containsKey(command)) {
            err.println("gatehouse: unknown command " + command);
            usage(err);
            return 2;
        }
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                commandUsage(command, out);
                return 0;
            }
        }
        if (command.equals("passwd")) {
            return PasswdCommand.run(Arrays.asList(args).subList(1, args.length), System.console(), System.in, out, err,
                    new SecureRandom());
        }
        if (command.equals("cert")) {
            return CertCommand.run(Arrays.asList(args).subList(1, args.length), out, err, Clock.systemUTC(),
                    new SecureRandom());
        }
        Path conf = Path.of("conf.d");
        Duration drain = DEFAULT_DRAIN;
        Optional<Path> pid = Optional.empty();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            String value;
            if (name.equals("--conf") || name.equals("--drain") || name.equals("--pid")) {
                if (command.equals("version")) {
                    err.println("gatehouse: version takes no options");
                    return 2;
                }
                if (!COMMANDS.get(command)[0].contains(name)) {
                    err.println("gatehouse: " + command + " takes no " + name);
                    commandUsage(command, err);
                    return 2;
                }
                if (eq > 0) {
                    value = arg.substring(eq + 1);
                } else {
                    value = ++i < args.length ? args[i] : null;
                }
            } else {
                err.println("gatehouse: unknown option " + arg);
                commandUsage(command, err);
                return 2;
            }
            if (name.equals("--conf")) {
                if (value == null || value.isEmpty()) {
                    err.println("gatehouse: --conf needs a directory");
                    return 2;
                }
                conf = Path.of(value);
            } else if (name.equals("--pid")) {
                if (value == null || value.isEmpty()) {
                    err.println("gatehouse: --pid needs a file");
                    return 2;
                }
                pid = Optional.of(Path.of(value));
            } else {
                if (value == null || !value.matches("\\d{1,5}")) {
                    err.println("gatehouse: --drain needs a number of seconds");
                    return 2;
                }
                drain = Duration.ofSeconds(Long.parseLong(value));
            }
        }
        switch (command) {
            case "check":
                return CheckCommand.run(conf, env, Modules.configChecks(), out, err);
            case "run":
                return serve(conf, env, pid, out, err, drain, false);
            case "demo":
                return serve(conf, env, pid, out, err, drain, true);
            case "reload":
                return ReloadCommand.run(conf, env, pid, out, err, ReloadCommand.WAIT);
            default:
                out.println("gatehouse " + version());
                return 0;
        }
    }

    private static int serve(Path conf, Map<String, String> env, Optional<Path> pid, PrintStream out,
                             PrintStream err, Duration drain, boolean demo) {
        StartWarmup.begin(); // logging, the error log's calendar, XNIO: set up beside the configuration's reading
        // Installed first, so that a SIGHUP while starting cannot end the process either. The reload runs
        // on its own thread; the signal thread only hands it on.
        AtomicReference<Assembly> serving = new AtomicReference<>();
        AtomicBoolean hupWhileStarting = new AtomicBoolean();
        boolean hupReloads = SignalStop.onReload(() -> {
            synchronized (serving) {
                Assembly a = serving.get();
                if (a == null) {
                    LoggerFactory.getLogger(Gatehouse.class).info("SIGHUP received while starting: reloading once started");
                    hupWhileStarting.set(true);
                } else {
                    a.reloads().reloadLater("SIGHUP");
                }
            }
        });
        if (!hupReloads) {
            err.println("gatehouse: SIGHUP is ignored in this process (started under nohup, or by a parent that"
                    + " ignores it): kill -HUP and gatehouse reload cannot reload it; edits to the configuration"
                    + " directory are still noticed and reloaded");
        }
        // Also before the start: a SIGTERM that comes while the listeners are already bound but the start
        // is not done (the reloader, the admin listener) must stop Gatehouse in order, never end the JVM.
        CountDownLatch stop = new CountDownLatch(1);
        SignalStop.onTermination(stop::countDown);
        // read once, for the pid file's place, the demo's members and the start
        List<io.gatehouse.view.ConfigStatus.ConfigFile> files = ConfHashes.of(conf); // before the load: see Reloader
        LoadOutcome loaded = ConfLoader.load(conf, env, Modules.configChecks());
        PidFile pidFile = PidFile.of(conf, env, pid, loaded);
        Optional<ProcessHandle> other = pidFile.running();
        if (other.isPresent()) {
            err.println("gatehouse: not started: " + pidFile.path() + " names process " + other.get().pid()
                    + ", a Gatehouse that is running; stop it first, or give another --pid FILE (remove the file"
                    + " if that process is not Gatehouse)");
            return 1;
        }
        DemoUpstreams demoUpstreams = null;
        if (demo) {
            if (loaded.config().isPresent()) {
                demoUpstreams = DemoUpstreams.start(loaded.config().get());
                out.println("demo: members answering on " + demoUpstreams.addresses());
            }
        }
        Assembly gatehouse;
        try {
            gatehouse = Assembly.start(conf, files, loaded, env, err);
        } catch (StartFailure e) {
            e.lines().forEach(err::println);
            err.println("gatehouse: not started (" + e.lines().size() + " error" + (e.lines().size() == 1 ? "" : "s")
                    + ")");
            if (demoUpstreams != null) {
                demoUpstreams.close();
            }
            return 1;
        }
        try {
            pidFile.write();
        } catch (IOException e) {
            err.println("gatehouse: cannot write the pid file " + pidFile.path() + ": " + IoErrors.describe(e)
                    + " (gatehouse reload will not find this process)");
        }
        ReloadStatusFile status = new ReloadStatusFile(pidFile.statusFile());
        status.started(gatehouse.runtime().generation());
        gatehouse.reloads().subscribe(status);
        synchronized (serving) {
            serving.set(gatehouse);
            if (hupWhileStarting.get()) {
                gatehouse.reloads().reloadLater("SIGHUP");
            }
        }
        for (InetSocketAddress a : gatehouse.addresses()) {
            out.println("gatehouse " + version() + ": serving " + conf + " on http://" + hostPort(a));
        }
        gatehouse.admin().ifPresent(admin -> out.println("gatehouse: admin console on "
                + (admin.sslContext().isPresent() ? "https://" : "http://") + hostPort(admin.address())));
        out.flush();
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.println("gatehouse: stopping, draining in-flight requests (up to " + drain.toSeconds() + " s)");
        out.flush();
        boolean clean = gatehouse.stop(drain);
        pidFile.remove();
        if (demoUpstreams != null) {
            demoUpstreams.close();
        }
        out.println("gatehouse: stopped" + (clean ? "" : " (some requests were cut off)"));
        out.flush();
        return 0;
    }

    private static String hostPort(InetSocketAddress a) {
        String ip = a.getAddress().getHostAddress();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }

    static String version() {
        try (InputStream in = Gatehouse.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    /** Each command: its options and what it does, as {@code --help} shows them. */
    private static final Map<String, String[]> COMMANDS = commands();

    private static Map<String, String[]> commands() {
        Map<String, String[]> c = new LinkedHashMap<>();
        c.put("run", new String[] {"[--conf DIR] [--drain SECONDS] [--pid FILE]",
            "serve the configuration in DIR (default ./conf.d) until SIGTERM or SIGINT, then drain",
            "in-flight requests for up to SECONDS (default 30) and exit 0; a change in DIR, SIGHUP and",
            "gatehouse reload load DIR again and put it in service if it is valid as a whole"});
        c.put("check", new String[] {"[--conf DIR]",
            "check DIR (default ./conf.d) and print every problem as file:line: message;",
            "exit 0 when it is valid, 1 otherwise (as nginx -t)"});
        c.put("demo", new String[] {"[--conf DIR] [--drain SECONDS] [--pid FILE]",
            "like run, with in-process demo members on the loopback addresses of DIR's clusters"});
        c.put("reload", new String[] {"[--conf DIR] [--pid FILE]",
            "make the Gatehouse serving DIR load it again (as nginx -s reload): send it SIGHUP through its pid",
            "file and wait up to 30 s for the outcome; exit 0 when applied, 1 when refused (every problem",
            "printed as file:line: message; the running configuration keeps serving) or when none runs"});
        c.put("cert", new String[] {"HOST... [--out DIR] [--rsa] [--force]",
            "write a self-signed certificate for HOST... (host names, *.wildcards, IP addresses) and its key",
            "into DIR as HOST.crt and HOST.key (the key readable by its owner only), and print the [ssl]",
            "lines that serve them; for trying TLS out: browsers warn about a certificate no CA signed"});
        c.put("passwd", new String[] {"[USER]",
            "ask for a password (twice on a terminal, one line from standard input otherwise) and print the",
            "[admin] lines user = USER (default admin) and password_hash = (bcrypt, cost 12) for conf.d"});
        c.put("version", new String[] {"", "print the version (also --version, -v)"});
        return c;
    }

    private static void commandUsage(String command, PrintStream out) {
        String[] c = COMMANDS.get(command);
        out.println("usage: gatehouse " + command + (c[0].isEmpty() ? "" : " " + c[0]));
        for (int i = 1; i < c.length; i++) {
            out.println("  " + c[i]);
        }
        if (command.equals("passwd")) {
            out.println("  (the password is read without echo and never printed)");
        } else if (command.equals("cert")) {
            out.println("options:");
            out.println("  --out DIR         where the files go (default ./" + CertCommand.DEFAULT_DIR + ", made if missing)");
            out.println("  --rsa             an RSA 2048 key instead of EC P-256 (for old clients)");
            out.println("  --force           replace HOST.crt and HOST.key if they exist");
        } else if (!c[0].isEmpty()) {
            out.println("options (also written --name=value):");
            out.println("  --conf DIR        the configuration directory (default ./conf.d)");
            if (c[0].contains("--drain")) {
                out.println("  --drain SECONDS   the longest a stop waits for requests in flight (default 30)");
            }
            if (c[0].contains("--pid")) {
                out.println("  --pid FILE        the pid file (default gatehouse.pid in the [log] dir of DIR;");
                out.println("                    gatehouse.reload next to it holds the last reload's outcome)");
            }
        }
        out.println("  --help, -h        this help");
    }

    private static void usage(PrintStream out) {
        out.println("usage: gatehouse <command> [--conf DIR] [--drain SECONDS] [--pid FILE]");
        out.println("  run      serve the configuration in DIR (default ./conf.d) until SIGTERM; reload on change");
        out.println("  check    check DIR and print every problem as file:line: message (exit 0 when valid)");
        out.println("  demo     like run, with in-process demo members for the loopback members of DIR's clusters");
        out.println("  reload   make the running Gatehouse load DIR again; exit 1 with the problems if refused");
        out.println("  cert     write a self-signed certificate and key: gatehouse cert HOST... [--out DIR]");
        out.println("  passwd   print the [admin] user and password_hash lines: gatehouse passwd [USER]");
        out.println("  version  print the version (also --version, -v)");
        out.println("gatehouse <command> --help describes a command; options may be written --conf=DIR.");
    }
}
