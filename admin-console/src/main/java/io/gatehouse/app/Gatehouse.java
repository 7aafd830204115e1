package io.gatehouse.app;

import io.gatehouse.config.bind.ConfLoader;
import io.gatehouse.config.bind.LoadOutcome;
import io.gatehouse.config.check.CheckCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line: {@code gatehouse run|check|demo [--conf DIR]}. {@code run} serves until SIGTERM
 * or SIGINT, then drains in-flight requests and exits 0; SIGHUP is logged and changes nothing (there is
 * no hot reload in this version).
 */
public final class Gatehouse {
    private static final Logger LOG = LoggerFactory.getLogger(Gatehouse.class);
    static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);

    private Gatehouse() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(out);
            return args.length == 0 ? 2 : 0;
        }
        String command = args[0];
        Path conf = Path.of("conf.d");
        Duration drain = DEFAULT_DRAIN;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--conf" -> {
                    if (++i >= args.length) {
                        err.println("gatehouse: --conf needs a directory");
                        return 2;
                    }
                    conf = Path.of(args[i]);
                }
                case "--drain" -> {
                    if (++i >= args.length || !args[i].matches("\\d{1,5}")) {
                        err.println("gatehouse: --drain needs a number of seconds");
                        return 2;
                    }
                    drain = Duration.ofSeconds(Long.parseLong(args[i]));
                }
                default -> {
                    err.println("gatehouse: unknown option " + args[i]);
                    usage(err);
                    return 2;
                }
            }
        }
        switch (command) {
            case "check":
                return CheckCommand.run(conf, env, out, err);
            case "run":
                return serve(conf, env, out, err, drain, false);
            case "demo":
                return serve(conf, env, out, err, drain, true);
            case "version":
                out.println("gatehouse " + version());
                return 0;
            default:
                err.println("gatehouse: unknown command " + command);
                usage(err);
                return 2;
        }
    }

    private static int serve(Path conf, Map<String, String> env, PrintStream out, PrintStream err, Duration drain,
                             boolean demo) {
        // Installed first, so that a SIGHUP while starting cannot end the process either.
        SignalStop.onReload(() -> LOG.warn("SIGHUP received: reload is not available in this version;"
                + " configuration unchanged"));
        DemoUpstreams demoUpstreams = null;
        if (demo) {
            LoadOutcome loaded = ConfLoader.load(conf, env);
            if (loaded.config().isPresent()) {
                demoUpstreams = DemoUpstreams.start(loaded.config().get());
                out.println("demo: members answering on " + demoUpstreams.addresses());
            }
        }
        Assembly gatehouse;
        try {
            gatehouse = Assembly.start(conf, env, err);
        } catch (StartFailure e) {
            e.lines().forEach(err::println);
            err.println("gatehouse: not started (" + e.lines().size() + " error" + (e.lines().size() == 1 ? "" : "s")
                    + ")");
            if (demoUpstreams != null) {
                demoUpstreams.close();
            }
            return 1;
        }
        for (InetSocketAddress a : gatehouse.addresses()) {
            out.println("gatehouse " + version() + ": serving " + conf + " on http://" + hostPort(a));
        }
        out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        SignalStop.onTermination(stop::countDown);
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.println("gatehouse: stopping, draining in-flight requests (up to " + drain.toSeconds() + " s)");
        out.flush();
        boolean clean = gatehouse.stop(drain);
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

    private static void usage(PrintStream out) {
        out.println("usage: gatehouse <command> [--conf DIR] [--drain SECONDS]");
        out.println("  run     serve the configuration in DIR (default ./conf.d) until SIGTERM");
        out.println("  check   check DIR and print every problem as file:line: message (exit 0 when valid)");
        out.println("  demo    like run, with in-process demo members for the loopback members of DIR's clusters");
        out.println("  version print the version");
    }
}
