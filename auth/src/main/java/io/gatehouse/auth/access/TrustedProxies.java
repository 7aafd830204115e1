package io.gatehouse.auth.access;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * The proxies whose {@code X-Forwarded-For} Gatehouse believes ({@code trusted_proxies}, written like
 * {@code ips}); with none, the client is always the socket peer.
 */
public final class TrustedProxies {
    /** The configuration key the entries come from, used in messages. */
    public static final String KEY = "trusted_proxies";
    /** No proxy is trusted: {@code X-Forwarded-For} is never read. */
    public static final TrustedProxies NONE = new TrustedProxies(IpAllowList.NONE);

    private final IpAllowList proxies;

    private TrustedProxies(IpAllowList proxies) {
        this.proxies = Objects.requireNonNull(proxies, "proxies");
    }

    /** The trusted proxies parsed from {@code entries}; problems and warnings are reported under {@code trusted_proxies}. */
    public static Parsed parse(List<String> entries) {
        IpAllowList.Parsed parsed = IpAllowList.parse(KEY, entries);
        return new Parsed(new TrustedProxies(parsed.list()), parsed.problems(), parsed.warnings());
    }

    /** The trusted proxies and what was wrong with the entries (see {@link IpAllowList.Parsed}). */
    public record Parsed(TrustedProxies proxies, List<String> problems, List<String> warnings) {
        public Parsed {
            Objects.requireNonNull(proxies, "proxies");
            problems = List.copyOf(problems);
            warnings = List.copyOf(warnings);
        }
    }

    /** True if {@code address} is one of the trusted proxies. */
    public boolean trusts(InetAddress address) {
        return proxies.allows(address);
    }

    /** True if no proxy is trusted. */
    public boolean isEmpty() {
        return proxies.isEmpty();
    }

    @Override
    public String toString() {
        return proxies.toString();
    }
}
