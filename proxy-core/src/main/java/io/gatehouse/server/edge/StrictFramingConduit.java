package io.gatehouse.server.edge;
public final class StrictFramingConduit {
    public static void install(org.xnio.StreamConnection c, EdgeLimits l) { }
}
