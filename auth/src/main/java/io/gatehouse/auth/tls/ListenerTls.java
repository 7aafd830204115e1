package io.gatehouse.auth.tls;

import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.ListenerSpec;
import io.gatehouse.config.model.SiteSpec;
import io.gatehouse.config.model.SslSpec;
import io.gatehouse.spi.TlsContextFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves each TLS listener's certificates and keeps them current: the listener's {@link ServerTls} is
 * made from its sites' {@code [ssl]} files when a configuration is put in service, and a changed
 * {@code certfile} or {@code keyfile} is read again without a restart, both at every configuration put in
 * service and by {@link #checkFiles()}, which {@link #watch} runs every few seconds on a thread of its own
 * (never an IO thread). A file is "changed" when its modification time or size is. New connections get
 * the new certificate; open ones keep theirs. If the new files do not load (a key written before its
 * certificate, a wrong passphrase), the previous certificate stays in service and the files are tried
 * again when they change next. Each outcome is one log line: INFO {@code certificate for SITE reloaded
 * from FILE (SUBJECT, expires DAY)}, or WARN {@code certificate for SITE: FILE could not be loaded, kept
 * the previous certificate: PROBLEM}.
 *
 * <p>Thread-safe: configuration installs and the file checks are serialised on this object.
 */
public final class ListenerTls implements TlsContextFactory {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerTls.class);

    /** How often {@link #watch} looks at the files by default. */
    public static final Duration CHECK_INTERVAL = Duration.ofSeconds(2);

    private final Clock clock;
    private final Map<HostPort, Served> served = new HashMap<>();

    /** The modification time and size of a certificate file and its key file, as last seen. */
    private record Stamp(long certModified, long certSize, long keyModified, long keySize) {
        static Stamp of(Path certfile, Path keyfile) {
            long[] cert = look(certfile);
            long[] key = keyfile == null ? new long[] {0, 0} : look(keyfile);
            return new Stamp(cert[0], cert[1], key[0], key[1]);
        }

        private static long[] look(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new long[] {attributes.lastModifiedTime().toMillis(), attributes.size()};
            } catch (IOException e) {
                return new long[] {-1, -1};
            }
        }
    }

    /** One site's files, the certificate they gave, and what was last tried. */
    private static final class SiteFiles {
        final String site;
        final Path certfile;
        final Path keyfile;
        final String passphrase;
        PemKeyMaterial material;
        Stamp loaded;
        Stamp tried;

        SiteFiles(String site, SslSpec ssl) {
            this.site = site;
            this.certfile = ssl.certfile().orElseThrow();
            this.keyfile = ssl.keyfile().orElse(null);
            this.passphrase = ssl.passphrase().isEmpty() ? null : ssl.passphrase();
        }

        boolean sameFiles(SslSpec ssl) {
            return certfile.equals(ssl.certfile().orElse(null)) && Objects.equals(keyfile, ssl.keyfile().orElse(null))
                    && Objects.equals(passphrase, ssl.passphrase().isEmpty() ? null : ssl.passphrase());
        }

        String files() {
            return keyfile == null ? certfile.toString() : certfile + " and " + keyfile;
        }
    }

    /** A listener's TLS and the files behind it. */
    private record Served(ServerTls tls, List<SiteFiles> sites) {
    }

    /** @param clock the time certificates' validity is read against (for warnings) */
    public ListenerTls(Clock clock) {
        this.clock = clock;
    }

    /** Runs {@link #checkFiles()} every {@code every} on {@code scheduler}, which must not be an IO thread. */
    public void watch(ScheduledExecutorService scheduler, Duration every) {
        long millis = Math.max(1, every.toMillis());
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                checkFiles();
            } catch (RuntimeException e) {
                LOG.warn("checking certificate files failed: {}", e.toString());
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** The TLS spec of an {@code [ssl]} section: its protocols and ciphers, else the defaults. */
    public static TlsSpec specOf(SslSpec ssl) {
        TlsSpec spec = TlsSpec.defaults();
        if (!ssl.protocols().isEmpty()) {
            spec = spec.withProtocols(ssl.protocols());
        }
        if (!ssl.ciphers().isEmpty()) {
            spec = spec.withCiphers(ssl.ciphers());
        }
        return spec;
    }

    @Override
    public synchronized Optional<SSLContext> forListener(ListenerSpec listener) {
        SslSpec primary = listener.primary().ssl();
        if (!primary.enabled()) {
            served.remove(listener.bind());
            return Optional.empty();
        }
        Served before = served.get(listener.bind());
        List<SiteFiles> sites = new ArrayList<>();
        boolean changed = before == null || before.sites().size() != listener.sites().size();
        for (int i = 0; i < listener.sites().size(); i++) {
            SiteSpec site = listener.sites().get(i);
            SiteFiles kept = before == null || i >= before.sites().size() ? null : before.sites().get(i);
            if (kept != null && kept.sameFiles(site.ssl())) {
                changed |= refresh(kept);
                sites.add(kept);
            } else {
                sites.add(firstLoad(name(site), site.ssl()));
                changed = true;
            }
        }
        TlsSpec spec = specOf(primary);
        ServerTls tls;
        List<PemKeyMaterial> materials = sites.stream().map(s -> s.material).toList();
        if (before != null && before.tls().spec().equals(spec)) {
            tls = before.tls();
            if (changed) {
                tls.replaceSites(materials);
            }
        } else {
            tls = ServerTls.build(materials, spec, null);
        }
        served.put(listener.bind(), new Served(tls, List.copyOf(sites)));
        return Optional.of(tls.context());
    }

    @Override
    public synchronized void retain(Set<HostPort> listeners) {
        served.keySet().retainAll(listeners);
    }

    /**
     * Reads again every certificate whose files changed since they were last read or tried, and puts
     * those that load in service.
     */
    public synchronized void checkFiles() {
        for (Served listener : served.values()) {
            boolean changed = false;
            for (SiteFiles site : listener.sites()) {
                changed |= refresh(site);
            }
            if (changed) {
                listener.tls().replaceSites(listener.sites().stream().map(s -> s.material).toList());
            }
        }
    }

    /** The TLS served on {@code bind} now, if it is a TLS listener. */
    public synchronized Optional<ServerTls> listener(HostPort bind) {
        Served s = served.get(bind);
        return s == null ? Optional.empty() : Optional.of(s.tls());
    }

    private SiteFiles firstLoad(String site, SslSpec ssl) {
        SiteFiles files = new SiteFiles(site, ssl);
        Stamp stamp = Stamp.of(files.certfile, files.keyfile);
        PemLoad load = PemKeyMaterial.load(files.certfile, files.keyfile, files.passphrase, clock);
        if (load instanceof PemLoad.Refused refused) {
            throw new IllegalStateException("certificate for " + site + ": " + String.join("; ", refused.problems()));
        }
        files.material = ((PemLoad.Loaded) load).material();
        files.loaded = stamp;
        return files;
    }

    /** Loads {@code site}'s files again if they changed; true when a new certificate is in place. */
    private boolean refresh(SiteFiles site) {
        Stamp stamp = Stamp.of(site.certfile, site.keyfile);
        if (stamp.equals(site.loaded) || stamp.equals(site.tried)) {
            return false;
        }
        PemLoad load = PemKeyMaterial.load(site.certfile, site.keyfile, site.passphrase, clock);
        if (load instanceof PemLoad.Loaded loaded) {
            site.material = loaded.material();
            site.loaded = stamp;
            site.tried = null;
            LOG.info("certificate for {} reloaded from {} ({}, expires {})", site.site, site.files(),
                    site.material.leaf().getSubjectX500Principal().getName(), site.material.leaf().getNotAfter().toInstant());
            return true;
        }
        site.tried = stamp;
        LOG.warn("certificate for {}: {} could not be loaded, kept the previous certificate: {}", site.site, site.files(),
                String.join("; ", ((PemLoad.Refused) load).problems()));
        return false;
    }

    private static String name(SiteSpec site) {
        if (!site.server().name().isEmpty()) {
            return site.server().name();
        }
        Path file = Path.of(site.file()).getFileName();
        return file == null ? site.file() : file.toString();
    }
}
