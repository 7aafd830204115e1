package io.gatehouse.config.bind;

import io.gatehouse.config.model.SslSpec;
import io.gatehouse.config.source.EnvSubstitution;
import io.gatehouse.config.source.IniSection;
import io.gatehouse.config.source.Shown;
import io.gatehouse.config.source.SourcePos;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Binds {@code [ssl]}. The values are checked for form here ({@code enable_ssl = yes} needs a
 * {@code certfile}; ports, durations, protocol names); whether the files hold a certificate and the key
 * that matches it is checked by the TLS module when the directory is loaded, so {@code gatehouse check}
 * reports it too.
 */
final class SslSectionBinder {
    public static final List<String> KEYS = List.of("enable_ssl", "certfile", "keyfile", "passphrase", "protocols",
            "ciphers", "http2", "redirect_http", "hsts");
    /** Protocol names {@code protocols} accepts; TLS 1.1 and older are refused by name. */
    static final List<String> PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    private SslSectionBinder() {
    }

    /**
     * @param base the directory relative {@code certfile}/{@code keyfile} paths are resolved against
     *             (conf.d's parent, as for static directories)
     */
    public static SslSpec bind(IniSection section, SourcePos filePos, Path base, EnvSubstitution env, Problems problems) {
        if (section == null) {
            return SslSpec.disabled(filePos);
        }
        KeyValues kv = new KeyValues(section, "[ssl]", KEYS, env, problems);
        boolean enabled = kv.bool("enable_ssl", false);
        Optional<Path> certfile = file(kv, "certfile", base);
        Optional<Path> keyfile = file(kv, "keyfile", base);
        if (enabled && certfile.isEmpty() && !kv.given("certfile")) {
            kv.error("enable_ssl", "enable_ssl = yes needs certfile (a PEM certificate chain, or one file with the"
                    + " certificate and its key); make one for trying things out with: gatehouse cert HOST");
        }
        List<String> protocols = words(kv.list("protocols"));
        for (String p : protocols) {
            if (!PROTOCOLS.contains(p)) {
                kv.error("protocols", "protocols must be among " + String.join(", ", PROTOCOLS) + ", got " + Shown.of(p)
                        + (p.startsWith("TLSv1") || p.startsWith("SSL") ? " (older protocols are broken and refused)" : ""));
            }
        }
        List<String> ciphers = words(kv.list("ciphers"));
        boolean http2 = kv.bool("http2", true);
        Optional<Integer> redirect = kv.entry("redirect_http").isPresent()
                ? Optional.of(kv.parse("redirect_http", 0, "a port 1..65535", v -> HostPorts.port(v, 1)))
                : Optional.empty();
        if (redirect.isPresent() && redirect.get() == 0) {
            redirect = Optional.empty();
        }
        Duration hsts = kv.duration("hsts", Duration.ZERO, Duration.ZERO);
        return new SslSpec(section.pos(), enabled && certfile.isPresent(), certfile, keyfile, kv.string("passphrase", ""),
                protocols, ciphers, http2, redirect, hsts, kv.positions());
    }

    /** Items separated by commas, spaces or colons (nginx writes {@code TLSv1.2 TLSv1.3} and {@code A:B}). */
    private static List<String> words(List<String> items) {
        List<String> out = new ArrayList<>();
        for (String item : items) {
            for (String word : item.split("[\\s:]+")) {
                if (!word.isEmpty()) {
                    out.add(word);
                }
            }
        }
        return out;
    }

    /** A PEM file path resolved against {@code base}; empty (with an error) when blank or not a path. */
    static Optional<Path> file(KeyValues kv, String key, Path base) {
        String written = kv.string(key, "");
        if (written.isBlank()) {
            if (kv.given(key)) {
                kv.error(key, key + " must be a PEM file, got \"\"");
            }
            return Optional.empty();
        }
        try {
            return Optional.of(base.resolve(written).normalize());
        } catch (InvalidPathException e) {
            kv.error(key, key + " must be a PEM file, got " + Shown.of(written));
            return Optional.empty();
        }
    }
}
