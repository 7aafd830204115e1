package io.gatehouse.runtime;

import io.gatehouse.config.model.AdminSpec;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.LogSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The settings a running Gatehouse fixed when it started and a reload cannot change: the event loops
 * ({@code [server] processes}), the worker pool ({@code [server] threads}) and the {@code [log]}
 * section (its directory, ring size, retention and error log), and the {@code [admin]} section (the admin
 * listener, its credentials and remote JMX). A reload that changes them still applies
 * everything else, and says, for each, that it takes effect at the next restart.
 */
public final class RestartSettings {
    private RestartSettings() {
    }

    /**
     * One line per setting that differs between the configuration the process started with and
     * {@code next}: {@code [server] processes changed from 1 to 2: takes effect at the next restart}.
     */
    public static List<String> changed(GatehouseConfig started, GatehouseConfig next) {
        List<String> out = new ArrayList<>();
        compare(out, "[server] processes", started.ioThreads(), next.ioThreads());
        compare(out, "[server] threads", started.workerThreads(), next.workerThreads());
        LogSpec a = started.log();
        LogSpec b = next.log();
        compare(out, "[log] dir", a.dir(), b.dir());
        compare(out, "[log] ring_size", a.ringSize(), b.ringSize());
        compare(out, "[log] retain_days", a.retainDays(), b.retainDays());
        compare(out, "[log] error_level", a.errorLevel().keyword(), b.errorLevel().keyword());
        compare(out, "[log] error_stderr", a.errorStderr() ? "yes" : "no", b.errorStderr() ? "yes" : "no");
        if (!Objects.equals(started.admin().map(RestartSettings::adminSettings),
                next.admin().map(RestartSettings::adminSettings))) {
            // no values: the section holds secrets
            out.add("[admin] changed: takes effect at the next restart");
        }
        return List.copyOf(out);
    }

    /** What {@code [admin]} says, without where it says it. */
    private static List<Object> adminSettings(AdminSpec a) {
        return java.util.Arrays.asList(a.bind(), a.user(), a.passwordHash(), a.token(), a.sessionTimeout(),
                a.certfile(), a.keyfile(), a.passphrase(), a.jmxPort());
    }

    private static void compare(List<String> out, String name, Object running, Object next) {
        if (!Objects.equals(running, next)) {
            out.add(name + " changed from " + running + " to " + next + ": takes effect at the next restart");
        }
    }
}
