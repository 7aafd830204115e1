package io.gatehouse.config.bind;

import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.ServerSpec;
import io.gatehouse.config.source.EnvSubstitution;
import io.gatehouse.config.source.IniSection;
import io.gatehouse.config.source.SourcePos;
import java.util.List;

/**
 * Binds {@code [server]}: where a site listens ({@code ip}, {@code port}), how many worker threads it
 * wants for blocking work ({@code threads}) and how many event loops ({@code processes}: Skitai's worker
 * processes, nginx's {@code worker_processes}; Gatehouse runs them as IO threads in its one JVM).
 * Skitai's {@code threads = 0} (single-threaded) is accepted with a warning that says what Gatehouse
 * does instead. {@code trusted_proxies} lists the proxies whose {@code X-Forwarded-For} is believed
 * (addresses and CIDR blocks, checked by the auth module).
 */
final class ServerSectionBinder {
    public static final List<String> KEYS = List.of("ip", "port", "name", "threads", "processes", "h2c",
            "trusted_proxies");
    public static final String DEFAULT_IP = "127.0.0.1";
    public static final int DEFAULT_PORT = 5000;
    public static final int DEFAULT_THREADS = 4;
    public static final int DEFAULT_PROCESSES = 1;

    private ServerSectionBinder() {
    }

    /** The section, or every default at the file's position when the file has no {@code [server]}. */
    public static ServerSpec bind(IniSection section, SourcePos filePos, EnvSubstitution env, Problems problems) {
        if (section == null) {
            return new ServerSpec(filePos, new HostPort(DEFAULT_IP, DEFAULT_PORT), filePos, "", DEFAULT_THREADS,
                    DEFAULT_PROCESSES);
        }
        KeyValues kv = new KeyValues(section, "[server]", KEYS, env, problems);
        String ip = kv.parse("ip", DEFAULT_IP,
                "an IPv4 or IPv6 address or localhost (0.0.0.0 or :: for every interface)", HostPorts::listenAddress);
        int port = kv.parse("port", DEFAULT_PORT, "1..65535", v -> HostPorts.port(v, 1));
        String name = kv.string("name", "");
        int threads = kv.integer("threads", 0, 256, DEFAULT_THREADS);
        if (threads == 0) {
            kv.warning("threads", "threads = 0 (Skitai's single thread) is read as threads = 1");
            threads = 1;
        }
        int processes = kv.integer("processes", 1, 256, DEFAULT_PROCESSES);
        SourcePos bindPos = kv.entry("port").or(() -> kv.entry("ip")).map(KeyValues.Entry::pos).orElse(section.pos());
        boolean h2c = kv.bool("h2c", false);
        List<String> trustedProxies = kv.list("trusted_proxies");
        return new ServerSpec(section.pos(), new HostPort(ip, port), bindPos, name, threads, processes, h2c,
                trustedProxies, kv.posOf("trusted_proxies"));
    }
}
