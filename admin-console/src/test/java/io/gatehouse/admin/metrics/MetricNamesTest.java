package io.gatehouse.admin.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import javax.management.ObjectName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetricNamesTest {

    @ParameterizedTest(name = "{0} stands as {1}")
    @CsvSource(delimiter = '|', value = {
            "app | app",
            "127.0.0.1:5000 | \"127.0.0.1:5000\"",
            "[::1]:8080 | \"[::1]:8080\"",
            "http://a.test:81/ | \"http://a.test:81/\"",
            "a,b=c | \"a,b=c\"",
            "what? | \"what\\?\""})
    void aValueWithAReservedCharacterIsQuotedAndReadsBackAsWritten(String value, String written) throws Exception {
        assertEquals(written, MetricNames.value(value));
        ObjectName name = MetricNames.of("type", "Listener", "name", value, "metric", "requests");
        String read = name.getKeyProperty("name");
        assertEquals(value, read.startsWith("\"") ? ObjectName.unquote(read) : read);
        assertEquals("io.gatehouse", name.getDomain());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "requests | io.gatehouse:type=Traffic,name=requests",
            "responses.5xx | io.gatehouse:type=Traffic,name=responses.5xx",
            "reloads.refused | io.gatehouse:type=Reloads,name=refused",
            "edge.refused.bare_lf | io.gatehouse:type=EdgeRefusals,reason=bare_lf",
            "no.such.metric | io.gatehouse:type=Metric,name=no.such.metric"})
    void eachMetricHasItsDocumentedObjectName(String metric, String objectName) throws Exception {
        GatehouseMetrics metrics = new GatehouseMetrics();
        metrics.edgeRefusals(new io.gatehouse.server.edge.EdgeRefusals());
        assertEquals(new ObjectName(objectName), metrics.names().createName("timers", "io.gatehouse", metric));
    }
}
