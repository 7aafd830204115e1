package io.gatehouse.admin.jmx;

import io.gatehouse.admin.Audit;
import io.gatehouse.runtime.ReloadControl;
import io.gatehouse.runtime.ReloadOutcome;
import io.gatehouse.runtime.Runtime;
import java.security.AccessController;
import java.util.Optional;
import java.util.function.Supplier;
import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;

/** The Gatehouse MBean: reads the generation in service and the reloader; reloads through it. */
final class GatehouseBean implements GatehouseMBean {
    private final String version;
    private final Supplier<Runtime> runtime;
    private final Supplier<ReloadControl> reloads;
    private final Supplier<Optional<ReloadOutcome>> lastReload;

    /**
     * @param reloads    the reloader, or null while there is none
     * @param lastReload the last reload counted by the metrics, when the reloader does not say
     */
    GatehouseBean(String version, Supplier<Runtime> runtime, Supplier<ReloadControl> reloads,
                  Supplier<Optional<ReloadOutcome>> lastReload) {
        this.version = version;
        this.runtime = runtime;
        this.reloads = reloads;
        this.lastReload = lastReload;
    }

    @Override
    public String getVersion() {
        return version;
    }

    @Override
    public long getGeneration() {
        ReloadControl control = reloads.get();
        if (control != null) {
            return control.status().generation();
        }
        Runtime r = runtime.get();
        return r == null ? 0 : r.generation();
    }

    @Override
    public String getLoadedAt() {
        ReloadControl control = reloads.get();
        if (control != null) {
            return control.status().loadedAt().toString();
        }
        Runtime r = runtime.get();
        return r == null ? "" : r.builtAt().toString();
    }

    @Override
    public String getLastReload() {
        ReloadControl control = reloads.get();
        Optional<ReloadOutcome> last = control != null ? control.status().lastReload() : lastReload.get();
        return last.map(GatehouseBean::summary).orElse("none");
    }

    @Override
    public String reload() {
        String user = caller();
        ReloadControl control = reloads.get();
        if (control == null) {
            Audit.record(user, "jmx", "reload", "not available");
            return "reload is not available in this process";
        }
        ReloadOutcome outcome = control.reload("jmx:" + user);
        Audit.record(user, "jmx", "reload", outcome.applied()
                ? "applied" : "refused (" + outcome.errors().size() + " errors)");
        return summary(outcome);
    }

    /** {@code applied: generation 3 at ... (jmx:admin)} or {@code refused: ... : problem; problem}. */
    static String summary(ReloadOutcome o) {
        StringBuilder s = new StringBuilder(o.applied() ? "applied" : "refused").append(": generation ")
                .append(o.generation()).append(" at ").append(o.at()).append(" (").append(o.trigger()).append(')');
        if (!o.errors().isEmpty()) {
            s.append(": ").append(String.join("; ", o.errors()));
        }
        if (!o.restartNeeded().isEmpty()) {
            s.append("; needs a restart: ").append(String.join(", ", o.restartNeeded()));
        }
        return s.toString();
    }

    /** The remote JMX user making the call, or {@code local} for an in-process or attached client. */
    @SuppressWarnings("removal")
    private static String caller() {
        Subject subject = Subject.getSubject(AccessController.getContext());
        if (subject != null) {
            for (JMXPrincipal p : subject.getPrincipals(JMXPrincipal.class)) {
                return p.getName();
            }
        }
        return "local";
    }
}
