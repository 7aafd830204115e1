package io.gatehouse.config.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvSubstitutionTest {
    private final EnvSubstitution env = new EnvSubstitution(Map.of("HOST", "10.0.0.1", "PORT", "8080", "EMPTY", ""));
    private final List<String> errors = new ArrayList<>();
    private final SourcePos pos = new SourcePos("conf.d/a.conf", 7);

    private String apply(String value) {
        return env.apply(value, pos, (p, message) -> errors.add(p + ": " + message));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "${HOST}:${PORT}|10.0.0.1:8080",
        "%(HOST)s:%(PORT)s|10.0.0.1:8080",
        "http://${HOST}/x|http://10.0.0.1/x",
        "a${EMPTY}b|ab",
        "$$HOST|$HOST",
        "$${HOST}|${HOST}",
        "price $5|price $5",
        "trailing $|trailing $",
        "100%|100%",
        "%(not a name)s|%(not a name)s",
        "%(HOST)|%(HOST)",
        "%%(HOST)s|%10.0.0.1",
        "plain|plain"})
    void replacesVariablesInBothSyntaxes(String value, String expected) {
        assertEquals(expected, apply(value));
        assertEquals(List.of(), errors);
    }

    @Test
    void reportsAnUnsetVariableAtItsLineNamingIt() {
        assertEquals("x--y", apply("x-${SECRET}-y"));
        assertEquals(List.of("conf.d/a.conf:7: environment variable SECRET is not set"), errors);
        errors.clear();

        apply("%(JWT_KEY)s");

        assertEquals(List.of("conf.d/a.conf:7: environment variable JWT_KEY is not set"), errors);
    }

    @Test
    void reportsAMalformedReference() {
        apply("${HOST");
        apply("${}");
        apply("${A-B}");

        assertEquals(List.of(
                "conf.d/a.conf:7: unterminated ${ in \"${HOST\"; write $$ for a literal $",
                "conf.d/a.conf:7: bad variable name ${}; expected letters, digits and _ (write $$ for a literal $)",
                "conf.d/a.conf:7: bad variable name ${A-B}; expected letters, digits and _ (write $$ for a literal $)"),
                errors);
    }

    @Test
    void doesNotSubstituteTheResultAgain() {
        EnvSubstitution nested = new EnvSubstitution(Map.of("A", "${B}", "B", "no"));

        assertEquals("${B}", nested.apply("${A}", pos, (p, m) -> errors.add(m)));
        assertEquals(List.of(), errors);
    }
}
