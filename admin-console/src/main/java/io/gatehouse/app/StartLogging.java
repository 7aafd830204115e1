package io.gatehouse.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Where Gatehouse's diagnostics go until the configuration is read (and for {@code gatehouse check}):
 * standard error, at {@code GATEHOUSE_LOG_LEVEL} (default INFO), with Undertow's, XNIO's and JBoss's
 * own loggers at WARN; {@link ErrorLog} then puts the error log in the place of this appender.
 *
 * <p>logback finds this class as a service and it sets logback up in code, in place of a
 * {@code logback.xml}: reading XML cost about a quarter of a second at every start. An operator's own file
 * named by {@code -Dlogback.configurationFile} still wins: then this steps aside.
 */
public final class StartLogging extends ContextAwareBase implements Configurator {
    /** The appender's name, which {@link ErrorLog} looks for to replace it. */
    static final String STDERR = "STDERR";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(ErrorLog.PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName(STDERR);
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        for (String quieter : new String[] {"io.undertow", "org.xnio", "org.jboss"}) {
            context.getLogger(quieter).setLevel(Level.WARN);
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level(), Level.INFO));
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static String level() {
        String property = System.getProperty(ErrorLog.LEVEL_VARIABLE);
        return property != null ? property : System.getenv(ErrorLog.LEVEL_VARIABLE);
    }
}
