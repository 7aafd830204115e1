package io.gatehouse.app;

import sun.misc.Signal;
import sun.misc.SignalHandler;

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

    /**
     * SIGHUP runs {@code reload} on the JVM's signal thread instead of ending the process: it must hand the
     * work on, never wait. False when the process was started with SIGHUP ignored ({@code nohup}, or a
     * parent that ignores it): the JVM then leaves it ignored and installs no handler, so neither
     * {@code kill -HUP} nor {@code gatehouse reload} can reload this process (nginx sets its handlers
     * whatever it inherits; the JVM does not for its shutdown signals).
     */
    static boolean onReload(Runnable reload) {
        return handle("HUP", reload);
    }

    private static boolean handle(String name, Runnable action) {
        try {
            return Signal.handle(new Signal(name), signal -> action.run()) != SignalHandler.SIG_IGN;
        } catch (IllegalArgumentException e) {
            return false; // signal not available on this platform: the default behaviour stays
        }
    }
}
