package io.gatehouse.cache.policy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which stored responses an unsafe request makes outdated (RFC 9111 §4.4).
 *
 * <p>A request with a method that is not safe (anything but GET, HEAD, OPTIONS and TRACE, unknown
 * methods included) answered with a non-error status (2xx or 3xx) invalidates its own URI, and the URIs
 * in the response's {@code Location} and {@code Content-Location}, resolved against the request's URI,
 * when they have the request's scheme, host and port: another origin's entries cannot be invalidated by
 * this one's responses (a response could otherwise purge any site). A value that is not a URI reference is
 * skipped. The caller removes every stored response (all {@code Vary} variants) of each URI returned.
 */
public final class Invalidation {
    private Invalidation() {
    }

    /** True for the safe methods (RFC 9110 §9.2.1): GET, HEAD, OPTIONS, TRACE. */
    public static boolean isSafe(String method) {
        return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method) || "TRACE".equals(method);
    }

    /**
     * The URIs to invalidate, the request's first, without repeats; empty for a safe method or an error
     * status.
     *
     * @param location        the response's {@code Location}, or {@code null}
     * @param contentLocation the response's {@code Content-Location}, or {@code null}
     */
    public static List<EffectiveUri> targets(String method, int status, EffectiveUri request, String location,
            String contentLocation) {
        if (isSafe(method) || status < 200 || status > 399) {
            return List.of();
        }
        List<EffectiveUri> targets = new ArrayList<>(3);
        targets.add(request);
        for (String reference : new String[] {location, contentLocation}) {
            EffectiveUri resolved = reference == null ? null : resolve(request, reference.strip());
            if (resolved != null && resolved.sameOrigin(request) && !targets.contains(resolved)) {
                targets.add(resolved);
            }
        }
        return targets;
    }

    /** RFC 3986 §5.2 resolution against the request; null when it is not a reference to an http(s) URI. */
    private static EffectiveUri resolve(EffectiveUri base, String reference) {
        if (reference.isEmpty()) {
            return null;
        }
        try {
            URI ref = new URI(reference);
            URI uri;
            if (ref.isAbsolute()) {
                uri = ref.normalize();
            } else if (reference.startsWith("?")) {
                // java.net.URI follows RFC 2396 here, which drops the last path segment
                uri = new URI(base.scheme() + "://" + base.host() + ":" + base.port() + base.path() + reference);
            } else {
                uri = new URI(base.toString()).resolve(ref).normalize();
            }
            String scheme = uri.getScheme();
            if (uri.getHost() == null || scheme == null
                    || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                return null;
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            String query = uri.getRawQuery();
            return new EffectiveUri(scheme, uri.getHost(), uri.getPort(), query == null ? path : path + "?" + query);
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
