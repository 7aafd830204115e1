/**
 * HTTP/2 requests held to the HTTP/1.1 edge's strictness before they go on to HTTP/1.1 members, so
 * nothing can be smuggled through the downgrade: {@link io.gatehouse.server.h2.Http2RequestCheck} in
 * each listener's chain refuses with a 400 what RFC 9113 §8 calls malformed and Undertow's HTTP/2 layer
 * lets through ({@link io.gatehouse.server.h2.Http2RequestRules}, {@link io.gatehouse.server.h2.Http2Violation}).
 * A {@code content-length} that the DATA frames contradict is caught by the upload to the member
 * ({@code upstream.RequestBodyUpload}), which never completes such a request. An {@code :authority}
 * that disagrees with {@code Host} is seen only below Undertow's request handling, by a
 * {@link io.gatehouse.server.h2.StrictHttp2Channel} (made by {@link io.gatehouse.server.h2.StrictHttp2OpenListener}
 * in place of Undertow's HTTP/2 listener). {@code docs/http2.md} lists who refuses what.
 */
package io.gatehouse.server.h2;
