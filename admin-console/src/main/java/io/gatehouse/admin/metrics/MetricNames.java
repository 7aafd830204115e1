package io.gatehouse.admin.metrics;

import com.codahale.metrics.jmx.ObjectNameFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * The names of Gatehouse's metrics, in the registry ({@code listener.127.0.0.1:5000.requests}) and in
 * JMX ({@code io.gatehouse:type=Listener,name="127.0.0.1:5000",metric=requests}), listed in
 * {@code docs/metrics.md}. Each metric is given both names when it is made; the JMX reporter asks this
 * factory for the second. A value with a character JMX reserves ({@code , = : " * ?} or a line break)
 * is quoted.
 */
public final class MetricNames implements ObjectNameFactory {
    /** The JMX domain of every Gatehouse MBean. */
    public static final String DOMAIN = "io.gatehouse";

    private final Map<String, ObjectName> byMetric = new ConcurrentHashMap<>();

    /** Remembers that metric {@code name} is published as {@code objectName}; returns {@code name}. */
    String bind(String name, ObjectName objectName) {
        byMetric.put(name, objectName);
        return name;
    }

    /** Forgets metric {@code name} (removed from the registry). */
    void unbind(String name) {
        byMetric.remove(name);
    }

    /** The object name given to metric {@code name}, or {@code io.gatehouse:type=Metric,name=NAME} for one not made here. */
    public ObjectName objectName(String name) {
        ObjectName known = byMetric.get(name);
        return known != null ? known : of("type", "Metric", "name", name);
    }

    @Override
    public ObjectName createName(String type, String domain, String name) {
        return objectName(name);
    }

    /**
     * {@code io.gatehouse:k1=v1,k2=v2...} in the order given, each value quoted when it must be.
     *
     * @param keysAndValues key, value, key, value...
     */
    public static ObjectName of(String... keysAndValues) {
        StringBuilder s = new StringBuilder(DOMAIN).append(':');
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (i > 0) {
                s.append(',');
            }
            s.append(keysAndValues[i]).append('=').append(value(keysAndValues[i + 1]));
        }
        try {
            return new ObjectName(s.toString());
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(s + ": " + e.getMessage(), e);
        }
    }

    /** {@code v} as it may stand in an object name: as it is, or quoted when it holds a reserved character or is empty. */
    static String value(String v) {
        if (v.isEmpty()) {
            return ObjectName.quote(v);
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == ',' || c == '=' || c == ':' || c == '"' || c == '*' || c == '?' || c == '\n' || c == '\\') {
                return ObjectName.quote(v);
            }
        }
        return v;
    }
}
