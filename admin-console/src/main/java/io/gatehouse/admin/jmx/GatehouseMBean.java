package io.gatehouse.admin.jmx;

/**
 * The running Gatehouse as JMX shows it, {@code io.gatehouse:type=Gatehouse}: its version, the
 * configuration generation in service and when it was loaded, the last reload's result, and a reload.
 */
public interface GatehouseMBean {
    /** The Gatehouse version. */
    String getVersion();

    /** The configuration generation in service (1 for the one loaded at start). */
    long getGeneration();

    /** When the generation in service was put in place (ISO-8601). */
    String getLoadedAt();

    /** The last reload's result in one line, or {@code none} when there was none since start. */
    String getLastReload();

    /**
     * Reads {@code conf.d} again and puts it in service if it is valid as a whole, as SIGHUP does; waits
     * for the result and returns it as text (applied, or refused with every problem). Audited.
     */
    String reload();
}
