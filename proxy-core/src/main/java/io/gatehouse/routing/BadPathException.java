package io.gatehouse.routing;

/**
 * The request path cannot be routed safely: it does not start with {@code /}, has a malformed
 * {@code %} escape, a raw control character or an encoded NUL, or climbs above the root with
 * {@code ..}. The client gets 400 with {@link #getMessage()} as the error.
 *
 * <p>Built per bad request (which a client controls), so it carries no stack trace.
 */
public final class BadPathException extends Exception {
    public BadPathException(String message) {
        super(message, null, false, false);
    }
}
