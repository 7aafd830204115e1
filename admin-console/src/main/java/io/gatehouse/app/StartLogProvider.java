package io.gatehouse.app;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LogbackServiceProvider;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.util.StatusPrinter2;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider of the {@code gatehouse} process: logback, set up by {@link StartLogging} directly.
 *
 * <p>Left to themselves, SLF4J and then logback each look for their services with a {@code ServiceLoader},
 * which opens every jar of the class path to look for the file: the signed Bouncy Castle jars alone carry
 * a 0.9 MB manifest, and the first such look took a tenth of a second of every start (docs/performance.md,
 * "Start and memory"). {@link #select} names this class in SLF4J's {@code slf4j.provider} property
 * before anything logs, so neither looks: the classes a start needs come from the class archive and the
 * jars are opened only when a class outside it is loaded. An operator's {@code -Dlogback.configurationFile}
 * still wins (logback's own initializer then reads it), as does an {@code slf4j.provider} set on the
 * command line.
 */
public final class StartLogProvider implements SLF4JServiceProvider {
    /** SLF4J's system property naming the provider to use without looking. */
    static final String PROVIDER_PROPERTY = "slf4j.provider";

    private final LoggerContext context = new LoggerContext();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final LogbackMDCAdapter mdc = new LogbackMDCAdapter();

    /**
     * Makes this the provider SLF4J uses, unless one was named already; quiets SLF4J's note that it was named
     * (its verbosity, unless set). Call before the first logger is asked for.
     */
    static void select() {
        if (System.getProperty(PROVIDER_PROPERTY) == null) {
            System.setProperty(PROVIDER_PROPERTY, StartLogProvider.class.getName());
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "WARN");
            }
        }
        // JBoss Logging (Undertow's and XNIO's) would otherwise look for its provider the same way first
        if (System.getProperty("org.jboss.logging.provider") == null) {
            System.setProperty("org.jboss.logging.provider", "slf4j");
        }
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return context;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return LogbackServiceProvider.REQUESTED_API_VERSION;
    }

    @Override
    public void initialize() {
        context.setName("default");
        context.setMDCAdapter(mdc);
        StartLogging configurator = new StartLogging();
        configurator.setContext(context);
        if (configurator.configure(context) != StartLogging.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY) {
            try {
                new ContextInitializer(context).autoConfig();
            } catch (JoranException e) {
                System.err.println("gatehouse: logging could not be set up: " + e);
            }
        }
        new StatusPrinter2().printInCaseOfErrorsOrWarnings(context);
        context.start();
    }
}
