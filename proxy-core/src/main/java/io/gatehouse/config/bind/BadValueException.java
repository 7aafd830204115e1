package io.gatehouse.config.bind;

/**
 * A value that does not parse, with what was expected ({@code "a duration such as 30s"}). Thrown by the
 * value parsers ({@link Durations}, {@link Sizes}, {@link HostPorts}) and always caught by the binder
 * that called them, which turns it into a {@link Problem} at the line of the value.
 */
public final class BadValueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadValueException(String expected) {
        super(expected, null, false, false);
    }
}
