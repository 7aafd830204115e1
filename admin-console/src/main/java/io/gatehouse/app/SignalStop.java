package io.gatehouse.app;

import sun.misc.Signal;

/**
 * The signals an operator sends a running Gatehouse. SIGTERM and SIGINT are an orderly stop: handling
 * them ourselves (rather than in a shutdown hook) lets the process drain and exit 0, as a service
 * manager expects of a clean stop. SIGHUP is what {@code systemctl reload} and an nginx operator's
 * habit send: it must never end the process, so it is caught and handed to the reload action.
 */
final class SignalStop {
    private SignalStop() {
    }

    static void onTermination(Runnable stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            handle(name, stop);
        }
    }

    /** SIGHUP runs {@code reload} on the JVM's signal thread instead of ending the process: it must hand the work on, never wait. */
    static void onReload(Runnable reload) {
        handle("HUP", reload);
    }

    private static void handle(String name, Runnable action) {
        try {
            Signal.handle(new Signal(name), signal -> action.run());
        } catch (IllegalArgumentException e) {
            // signal not available on this platform: the default behaviour stays
        }
    }
}
