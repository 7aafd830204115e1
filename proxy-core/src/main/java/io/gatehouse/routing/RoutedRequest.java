package io.gatehouse.routing;

import io.undertow.util.AttachmentKey;
import java.util.Objects;

/**
 * Where routing put a request: the matched route prefix and the request's paths. The routing handler
 * attaches one under {@link #KEY} before it calls the route's chain; route targets read it instead of
 * parsing the path again.
 *
 * @param prefix      the matched route's path ({@code /} or {@code /static}, no trailing slash)
 * @param matchPath   {@link RequestPath#matchPath()}: decoded, slashes merged; starts with {@code prefix}
 * @param forwardPath {@link RequestPath#forwardPath()}: what goes upstream, still percent-encoded
 */
public record RoutedRequest(String prefix, String matchPath, String forwardPath) {
    /** Set by the routing handler on every routed exchange; read by route targets. */
    public static final AttachmentKey<RoutedRequest> KEY = AttachmentKey.create(RoutedRequest.class);

    public RoutedRequest {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(matchPath, "matchPath");
        Objects.requireNonNull(forwardPath, "forwardPath");
        if (!matchPath.startsWith(prefix)) {
            throw new IllegalArgumentException("matchPath: " + matchPath + " (expected: starting with " + prefix + ")");
        }
    }

    /**
     * The part of {@code matchPath} after the route prefix: {@code /css/a.css} for route {@code /static}
     * and {@code /static/css/a.css}; the whole path for route {@code /}; {@code ""} when the path is the
     * prefix itself.
     */
    public String remainder() {
        return prefix.length() == 1 ? matchPath : matchPath.substring(prefix.length());
    }
}
