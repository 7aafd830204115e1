package io.gatehouse.server.edge;
public record EdgeLimits(int maxHeaderSize, int maxRequestLine, int maxHeaders, java.time.Duration headerTimeout) {
    public static final EdgeLimits DEFAULTS = new EdgeLimits(32768, 8192, 100, java.time.Duration.ofSeconds(10));
}
