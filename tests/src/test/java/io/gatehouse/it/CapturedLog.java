package io.gatehouse.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What Gatehouse logs while a test runs, from logger {@code io.gatehouse} at INFO and above whatever the
 * logging configuration says, so that warnings and errors can be asserted on; closing puts the logger
 * back as it was.
 */
final class CapturedLog implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger("io.gatehouse");
    private final Level levelBefore = logger.getLevel();
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();

    CapturedLog() {
        logger.setLevel(Level.INFO);
        events.start();
        logger.addAppender(events);
    }

    /** The messages logged at WARN or ERROR, in order. */
    List<String> problems() {
        return events.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(events);
        logger.setLevel(levelBefore);
    }
}
