package io.gatehouse.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/**
 * The provider that {@code gatehouse} names to SLF4J so that neither SLF4J nor logback looks through
 * every jar for its services: it must give the same logging as logback's own provider with
 * {@link StartLogging} found as a service, and step aside for an operator's logback file.
 */
class StartLogProviderTest {
    private static final String[] PROPERTIES = {StartLogProvider.PROVIDER_PROPERTY, "slf4j.internal.verbosity",
        "org.jboss.logging.provider", "logback.configurationFile"};
    private final Map<String, String> saved = new HashMap<>();

    @TempDir
    Path tmp;

    @BeforeEach
    void saveProperties() {
        for (String p : PROPERTIES) {
            saved.put(p, System.getProperty(p));
            System.clearProperty(p);
        }
    }

    @AfterEach
    void restoreProperties() {
        saved.forEach((p, v) -> {
            if (v == null) {
                System.clearProperty(p);
            } else {
                System.setProperty(p, v);
            }
        });
    }

    @Test
    void selectNamesThisProviderAndQuietsSlf4jUnlessSetAlready() {
        StartLogProvider.select();
        assertEquals(StartLogProvider.class.getName(), System.getProperty(StartLogProvider.PROVIDER_PROPERTY));
        assertEquals("WARN", System.getProperty("slf4j.internal.verbosity"));
        assertEquals("slf4j", System.getProperty("org.jboss.logging.provider"));

        System.setProperty(StartLogProvider.PROVIDER_PROPERTY, "org.example.Other");
        System.clearProperty("slf4j.internal.verbosity");
        System.setProperty("org.jboss.logging.provider", "jdk");
        StartLogProvider.select();
        assertEquals("org.example.Other", System.getProperty(StartLogProvider.PROVIDER_PROPERTY), "an operator's choice stays");
        assertNull(System.getProperty("slf4j.internal.verbosity"), "and SLF4J says what it does with it");
        assertEquals("jdk", System.getProperty("org.jboss.logging.provider"));
    }

    @Test
    void itSetsLogbackUpAsStartLoggingDoes() {
        StartLogProvider provider = new StartLogProvider();
        provider.initialize();
        LoggerContext context = assertInstanceOf(LoggerContext.class, provider.getLoggerFactory());
        assertTrue(context.isStarted());
        assertNotNull(provider.getMDCAdapter());
        assertNotNull(provider.getMarkerFactory());
        assertTrue(provider.getRequestedApiVersion().startsWith("2."), provider.getRequestedApiVersion());

        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertInstanceOf(ConsoleAppender.class, root.getAppender(StartLogging.STDERR), "standard error, named for ErrorLog");
        assertEquals(Level.INFO, root.getLevel());
        assertEquals(Level.WARN, context.getLogger("io.undertow").getLevel());
        assertEquals(Level.WARN, context.getLogger("org.xnio").getLevel());
        context.stop();
    }

    @Test
    void anOperatorsLogbackFileWins() throws Exception {
        Path file = tmp.resolve("logback.xml");
        Files.writeString(file, """
                <configuration>
                  <appender name="MINE" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%msg%n</pattern></encoder>
                  </appender>
                  <root level="DEBUG"><appender-ref ref="MINE"/></root>
                </configuration>
                """);
        System.setProperty("logback.configurationFile", file.toString());
        StartLogProvider provider = new StartLogProvider();
        provider.initialize();
        LoggerContext context = (LoggerContext) provider.getLoggerFactory();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertNotNull(root.getAppender("MINE"), "the operator's appender");
        assertNull(root.getAppender(StartLogging.STDERR), "and not Gatehouse's");
        assertEquals(Level.DEBUG, root.getLevel());
        context.stop();
    }
}
