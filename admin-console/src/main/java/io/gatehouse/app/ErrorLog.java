package io.gatehouse.app;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.RolloverFailure;
import ch.qos.logback.core.rolling.TimeBasedRollingPolicy;
import io.gatehouse.config.model.LogSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The operator's error log, nginx's {@code error_log}: Gatehouse's own diagnostics (start-up, listeners,
 * upstream names, and one line per failed attempt with a member or answer cut short) written to
 * {@code error.log} in the {@code [log] dir}, at {@code error_level} and above, and copied to standard
 * error unless {@code error_stderr = no}. It rotates as the request log does: the first line of a new
 * day renames {@code error.log} to {@code error.log.YYYY-MM-DD} (an {@code error.log} left from an
 * earlier day is renamed by the first line after start), and rotated files older than
 * {@code retain_days} are deleted at start and at each rotation.
 *
 * <p>The diagnostics go through SLF4J to logback; this installs the error log on logback's root logger
 * programmatically from {@code [log]} in place of the standard-error appender {@link StartLogging} set up,
 * and {@link #close} puts that back. Each destination is behind its own queue and writer thread, so a
 * thread that logs (an IO thread among them) never waits on a disk or a pipe: when a queue is full its
 * lines are dropped, those below WARN first.
 */
final class ErrorLog implements AutoCloseable {
    static final String FILE_NAME = "error.log";
    /** The pattern of the standard-error lines ({@link StartLogging}), for both destinations. */
    static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss} %-5level %logger{0}: %msg%n";
    /** The standard-error appender of {@link StartLogging}, which the error log replaces while it is open. */
    private static final String STDERR = StartLogging.STDERR;
    private static final int QUEUE = 8192;
    /** The environment variable that overrides {@code error_level} (for a one-off debug run). */
    static final String LEVEL_VARIABLE = "GATEHOUSE_LOG_LEVEL";

    private final ch.qos.logback.classic.Logger root;
    private final Level previousLevel;
    private final Appender<ILoggingEvent> replacedStderr;
    private final List<AsyncAppender> installed;

    private ErrorLog(ch.qos.logback.classic.Logger root, Level previousLevel, Appender<ILoggingEvent> replacedStderr,
                     List<AsyncAppender> installed) {
        this.root = root;
        this.previousLevel = previousLevel;
        this.replacedStderr = replacedStderr;
        this.installed = installed;
    }

    /**
     * Opens {@code spec.dir()/error.log} (the directory must exist: {@link LogDirectory#prepare}) and
     * makes it, and standard error unless turned off, the destination of every diagnostic. Returns null
     * when logback is not SLF4J's backend (then the diagnostics go wherever that backend sends them).
     *
     * @param levelOverride a level name that wins over {@code error_level}, or null
     */
    static ErrorLog open(LogSpec spec, String levelOverride) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return null;
        }
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level level = Level.toLevel(levelOverride, Level.toLevel(spec.errorLevel().name()));
        Path file = spec.dir().resolve(FILE_NAME);

        RollingFileAppender<ILoggingEvent> toFile = new RollingFileAppender<>();
        toFile.setContext(context);
        toFile.setName("error-log-file");
        toFile.setFile(file.toString());
        toFile.setAppend(true);
        RetainingPolicy rolling = new RetainingPolicy(spec.dir(), spec.retainDays());
        rolling.setContext(context);
        rolling.setParent(toFile);
        rolling.setFileNamePattern(escape(file.toString()) + ".%d{yyyy-MM-dd}");
        rolling.setMaxHistory(0); // retention is by the date in the names, as the request log's
        rolling.start();
        toFile.setRollingPolicy(rolling);
        toFile.setEncoder(encoder(context));
        toFile.start();
        rolling.deleteExpired();

        List<AsyncAppender> installed = new ArrayList<>();
        installed.add(queued(context, "error-log", toFile));
        if (spec.errorStderr()) {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setContext(context);
            console.setName("error-log-stderr-writer");
            console.setTarget("System.err");
            console.setEncoder(encoder(context));
            console.start();
            installed.add(queued(context, "error-log-stderr", console));
        }
        Level previous = root.getLevel();
        Appender<ILoggingEvent> stderr = root.getAppender(STDERR);
        root.setLevel(level);
        installed.forEach(root::addAppender);
        if (stderr != null) {
            root.detachAppender(stderr);
        }
        return new ErrorLog(root, previous, stderr, installed);
    }

    /** Writes what is queued, stops writing, and gives the diagnostics back to the standard-error appender of {@link StartLogging}. */
    @Override
    public void close() {
        if (replacedStderr != null) {
            root.addAppender(replacedStderr);
        }
        for (AsyncAppender a : installed) {
            root.detachAppender(a);
            a.stop(); // writes what it holds (up to a second), then stops the appender behind it
        }
        root.setLevel(previousLevel);
    }

    private static AsyncAppender queued(LoggerContext context, String name, Appender<ILoggingEvent> writer) {
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName(name);
        async.setQueueSize(QUEUE);
        async.setNeverBlock(true);
        async.setIncludeCallerData(false);
        async.addAppender(writer);
        async.start();
        return async;
    }

    private static PatternLayoutEncoder encoder(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        return encoder;
    }

    /** A path inside a logback file-name pattern: its {@code %} are literal. */
    private static String escape(String path) {
        return path.replace("\\", "\\\\").replace("%", "\\%");
    }

    /**
     * Daily rotation, with rotated files older than {@code retain_days} deleted by the date in their
     * names ({@code 0} keeps all), at start and after each rotation, as {@code RequestLogSink} does.
     */
    static final class RetainingPolicy extends TimeBasedRollingPolicy<ILoggingEvent> {
        private static final Pattern ROTATED = Pattern.compile(Pattern.quote(FILE_NAME) + "\\.(\\d{4}-\\d{2}-\\d{2})(\\.\\d+)?");

        private final Path dir;
        private final int retainDays;

        RetainingPolicy(Path dir, int retainDays) {
            this.dir = dir;
            this.retainDays = retainDays;
        }

        @Override
        public void rollover() throws RolloverFailure {
            super.rollover();
            deleteExpired();
        }

        /** Deletes {@code error.log.YYYY-MM-DD} files dated before today minus {@code retain_days}. */
        void deleteExpired() {
            if (retainDays == 0) {
                return;
            }
            LocalDate oldestKept = LocalDate.now().minusDays(retainDays);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    Matcher m = ROTATED.matcher(f.getFileName().toString());
                    if (!m.matches()) {
                        continue;
                    }
                    try {
                        if (LocalDate.parse(m.group(1)).isBefore(oldestKept)) {
                            Files.deleteIfExists(f);
                        }
                    } catch (DateTimeParseException | IOException e) {
                        addWarn("cannot delete the old error log " + f + ": " + e.getMessage());
                    }
                }
            } catch (IOException e) {
                addWarn("cannot list " + dir + " for old error logs: " + e.getMessage());
            }
        }
    }
}
