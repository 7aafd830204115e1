package io.gatehouse.app;

import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into an orderly stop. Handling the signals ourselves (rather than in a
 * shutdown hook) lets the process drain and exit 0, as a service manager expects of a clean stop.
 */
final class SignalStop {
    private SignalStop() {
    }

    static void onTermination(Runnable stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> stop.run());
            } catch (IllegalArgumentException e) {
                // signal not available on this platform: the default behaviour stays
            }
        }
    }
}
