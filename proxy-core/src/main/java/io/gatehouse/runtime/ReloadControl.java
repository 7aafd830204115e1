package io.gatehouse.runtime;

import io.gatehouse.view.ConfigStatus;

/**
 * How the console, JMX, SIGHUP and {@code gatehouse reload} ask for a reload and read where the
 * configuration stands. One reload runs at a time; callers wait for theirs.
 */
public interface ReloadControl {
    /**
     * Reads the configuration directory again and puts it in service if it is valid as a whole; blocks
     * until done (never call it on an IO thread).
     *
     * @param trigger who or what asked, for the log and the audit line
     */
    ReloadOutcome reload(String trigger);

    /** The configuration in service: its files, generation, and the last reload's result. */
    ConfigStatus status();
}
