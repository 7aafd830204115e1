package io.gatehouse.config.check;

import io.gatehouse.config.bind.HostPorts;
import io.gatehouse.config.bind.Problems;
import io.gatehouse.config.model.HostPattern;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.ListenerSpec;
import io.gatehouse.config.model.SiteSpec;
import io.gatehouse.config.model.SslSpec;
import io.gatehouse.config.model.VirtualHostSpec;
import io.gatehouse.config.source.SourcePos;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the sites sharing one {@code ip:port} must agree on, and what listeners must not overlap:
 * <ul>
 *   <li>a host pattern is claimed at most once per listener ({@code .a.com} and {@code *.a.com} both
 *       claim the subdomains of a.com, so they clash too; an exact name beside a suffix does not, since
 *       the exact name wins);</li>
 *   <li>at most one file per listener has route lines before any {@code @} line (the default group);</li>
 *   <li>a wildcard address ({@code 0.0.0.0}, {@code ::}) takes its port on every interface, so no other
 *       listener may use that port with another address; {@code localhost} overlaps {@code 127.0.0.1}
 *       and {@code ::1};</li>
 *   <li>the sites of one {@code ip:port} are all TLS or all plain HTTP (one port cannot speak both), and
 *       TLS sites sharing a port agree on what is negotiated before the name is known to Gatehouse's
 *       routing: {@code protocols}, {@code ciphers} and {@code http2};</li>
 *   <li>a {@code redirect_http} port is not a port another listener (or another redirect) uses on
 *       that address.</li>
 * </ul>
 */
public final class ListenerChecks {
    private ListenerChecks() {
    }

    private record Claim(HostPattern pattern, SourcePos pos) {
    }

    public static void check(List<ListenerSpec> listeners, Problems problems) {
        for (int i = 0; i < listeners.size(); i++) {
            ListenerSpec listener = listeners.get(i);
            for (int j = 0; j < i; j++) {
                ListenerSpec earlier = listeners.get(j);
                if (overlap(earlier, listener)) {
                    boolean wildcard = HostPorts.isWildcard(earlier.bind().host())
                            || HostPorts.isWildcard(listener.bind().host());
                    String why = wildcard ? "a wildcard address takes the port on every interface"
                            : "localhost is the loopback address";
                    problems.error(listener.primary().server().pos(), "[server] " + listener.bind() + " overlaps "
                            + earlier.bind() + " at " + earlier.primary().server().pos() + ": " + why
                            + "; give both sites the same ip");
                }
            }
            hostClaims(listener, problems);
            defaultGroups(listener, problems);
            tlsAgreement(listener, problems);
        }
        redirectPorts(listeners, problems);
    }

    private static void tlsAgreement(ListenerSpec listener, Problems problems) {
        SiteSpec first = listener.primary();
        SslSpec a = first.ssl();
        for (SiteSpec site : listener.sites().subList(1, listener.sites().size())) {
            SslSpec b = site.ssl();
            if (a.enabled() != b.enabled()) {
                problems.error(b.enabled() ? b.keys().of("enable_ssl") : site.server().pos(), listener.bind()
                        + " is " + (a.enabled() ? "TLS" : "plain HTTP") + " for the site of " + first.file() + " and "
                        + (b.enabled() ? "TLS" : "plain HTTP") + " for this one; one port speaks one of them: give this"
                        + " site another port, or " + (a.enabled() ? "enable_ssl = yes" : "remove enable_ssl") + " here");
                continue;
            }
            if (!a.enabled()) {
                continue;
            }
            agree(listener, first, site, "protocols", a.protocols(), b.protocols(), problems);
            agree(listener, first, site, "ciphers", a.ciphers(), b.ciphers(), problems);
            agree(listener, first, site, "http2", a.http2(), b.http2(), problems);
        }
    }

    private static void agree(ListenerSpec listener, SiteSpec first, SiteSpec site, String key, Object a, Object b,
                              Problems problems) {
        if (!a.equals(b)) {
            problems.error(site.ssl().keys().of(key), "[ssl] " + key + " differs from the one of the first site on "
                    + listener.bind() + " (" + first.file() + "); sites sharing a TLS port must agree on it"
                    + " (it is chosen before the requested name is known)");
        }
    }

    private static void redirectPorts(List<ListenerSpec> listeners, Problems problems) {
        Map<String, SourcePos> taken = new HashMap<>();
        for (ListenerSpec listener : listeners) {
            taken.putIfAbsent(listener.bind().toString(), listener.primary().server().bindPos());
        }
        for (ListenerSpec listener : listeners) {
            if (!listener.primary().ssl().enabled()) {
                continue;
            }
            Map<Integer, SourcePos> own = new HashMap<>();
            for (SiteSpec site : listener.sites()) {
                if (site.ssl().redirectHttp().isEmpty()) {
                    continue;
                }
                int port = site.ssl().redirectHttp().get();
                SourcePos pos = site.ssl().keys().of("redirect_http");
                if (own.putIfAbsent(port, pos) != null) {
                    continue; // the same redirect written by two sites of one listener
                }
                HostPort redirect = new HostPort(listener.bind().host(), port);
                SourcePos earlier = taken.putIfAbsent(redirect.toString(), pos);
                if (earlier != null) {
                    problems.error(pos, "[ssl] redirect_http = " + port + ": " + redirect + " is already used at " + earlier
                            + "; pick a port nothing else listens on");
                }
            }
        }
    }

    private static boolean overlap(ListenerSpec a, ListenerSpec b) {
        if (a.bind().port() != b.bind().port() || a.bind().host().equals(b.bind().host())) {
            return false;
        }
        String x = a.bind().host();
        String y = b.bind().host();
        return HostPorts.isWildcard(x) || HostPorts.isWildcard(y) || localhostPair(x, y) || localhostPair(y, x);
    }

    private static boolean localhostPair(String x, String y) {
        return x.equals("localhost") && (y.equals("127.0.0.1") || y.equals("::1"));
    }

    private static void hostClaims(ListenerSpec listener, Problems problems) {
        Map<String, Claim> claims = new HashMap<>();
        for (SiteSpec site : listener.sites()) {
            for (VirtualHostSpec vhost : site.vhosts()) {
                for (HostPattern pattern : vhost.hosts()) {
                    String key = (pattern.kind() == HostPattern.Kind.EXACT ? "=" : "*") + pattern.suffix();
                    Claim earlier = claims.putIfAbsent(key, new Claim(pattern, vhost.pos()));
                    if (earlier != null) {
                        String as = earlier.pattern().equals(pattern) ? "" : " (as " + earlier.pattern() + ")";
                        problems.error(vhost.pos(), "host " + pattern + " on " + listener.bind()
                                + " is also claimed at " + earlier.pos() + as);
                    }
                }
            }
        }
    }

    private static void defaultGroups(ListenerSpec listener, Problems problems) {
        VirtualHostSpec first = null;
        for (SiteSpec site : listener.sites()) {
            for (VirtualHostSpec vhost : site.vhosts()) {
                if (!vhost.isDefault()) {
                    continue;
                }
                if (first == null) {
                    first = vhost;
                } else {
                    problems.error(vhost.pos(), "routes before any @ line (for every host) on " + listener.bind()
                            + " are also defined at " + first.pos() + "; only one file per listener may have them,"
                            + " the others start with an @ line");
                }
            }
        }
    }
}
