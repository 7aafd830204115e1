/**
 * Request routing: which virtual host and which route answer a request.
 *
 * <p>The cores are pure and take plain values, so they are unit-tested without sockets:
 * {@link io.gatehouse.routing.HostHeader} (the host to match), {@link io.gatehouse.routing.HostRouter}
 * (exact name, then the longest {@code .suffix}/{@code *.suffix}, then the default),
 * {@link io.gatehouse.routing.RouteTable} (longest prefix on segment boundaries),
 * {@link io.gatehouse.routing.RequestPath} (dot-segments, escapes, merged slashes; 400 on refusal) and
 * {@link io.gatehouse.routing.PathReadings} (a path a member could read as another route; 400).
 *
 * <p>The routing handler, per request: {@code RequestPath.parse(raw path)} (a
 * {@link io.gatehouse.routing.BadPathException} is a 400), {@code HostRouter.resolve(HostHeader.hostName(Host))},
 * {@code RouteTable.match(matchPath)}, {@code PathReadings.conflict} when the path holds {@code %2F},
 * {@code \}, {@code %5C} or {@code ;} (a conflict is a 400), then attaches a {@link io.gatehouse.routing.RoutedRequest} under
 * {@link io.gatehouse.routing.RoutedRequest#KEY} and calls the route's chain. Route targets
 * ({@code StaticFilesHandler}, {@code UpstreamProxyHandler}...) read the prefix and both paths from it.
 */
package io.gatehouse.routing;
