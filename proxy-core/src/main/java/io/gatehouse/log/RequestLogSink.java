package io.gatehouse.log;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the request log to {@code <dir>/request.log}, one line per request, rotated daily to
 * {@code request.log.YYYY-MM-DD}, without ever making a request thread wait.
 *
 * <p>{@link #offer} only puts the record in a bounded lock-free queue; when the queue is full the record
 * is dropped and counted ({@link #dropped}). One writer thread formats the records, collects them in a
 * 64 KiB buffer and writes the buffer when the queue runs empty, when the buffer is full, and at
 * least every second under steady load.
 *
 * <p>Rotation follows the local date of the injected {@link Clock} when a line is written: the first
 * line of a new day closes {@code request.log}, renames it after the day it covered and starts a new
 * one; the writer also checks the date when idle, about once a second. Rotated files older than
 * {@code retainDays} days are deleted ({@code 0} keeps all). A {@code request.log} left from an earlier
 * day is rotated at start.
 *
 * <p>A write error (disk full, directory removed) is logged once, counted in {@link #writeErrors}, and
 * retried every second, reopening the file; meanwhile records wait in the queue. {@link #close} stops
 * accepting records, writes every record accepted before it, and closes the file.
 */
public final class RequestLogSink implements AutoCloseable {
    /** Records the queue holds before {@link #offer} starts dropping. */
    public static final int DEFAULT_QUEUE_CAPACITY = 65_536;
    /** Name of the file being written; rotated files add {@code .YYYY-MM-DD}. */
    public static final String FILE_NAME = "request.log";

    private static final Logger LOG = LoggerFactory.getLogger(RequestLogSink.class);
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final int TIME_CHECK_EVERY = 256;
    private static final long FLUSH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long BATCH_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int QUIET_NAPS_BEFORE_SLEEP = 20;
    /** Naps in a row that found nothing to write (writer thread only). */
    private int quietNaps;
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int FINAL_ATTEMPTS = 3;
    private static final long FINAL_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private enum Progress { EMPTY, WROTE, BLOCKED }

    private final Path dir;
    private final Path file;
    private final int retainDays;
    private final Clock clock;
    private final RecordQueue<RequestLogRecord> queue;
    private final LongAdder dropped = new LongAdder();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile Thread writerThread;
    private volatile boolean writerIdle;
    // written only by the writer thread
    private volatile long written;
    private volatile long writeErrors;

    // writer-thread state
    private final LineBuffer line = new LineBuffer(512);
    private boolean lineReady;
    private byte[] buf = new byte[BUFFER_BYTES];
    private int bufLen;
    private int bufLines;
    private OutputStream out;
    /** Bytes of whole lines in {@link #file}; a failed write may have left a partial line after them. */
    private long fileSize;
    private boolean tailMayBePartial;
    private LocalDate fileDay;
    private long nextDayMillis;
    private long lastFlushNanos;
    private long retryAtNanos;
    private boolean failing;

    /**
     * Starts writing {@code dir/request.log} (creating {@code dir}), keeping rotated files for
     * {@code retainDays} days (0 keeps all), with dates taken from {@code clock} and its zone.
     *
     * @throws IOException if the directory cannot be created or the file cannot be opened
     */
    public RequestLogSink(Path dir, int retainDays, Clock clock) throws IOException {
        this(dir, retainDays, clock, DEFAULT_QUEUE_CAPACITY, RequestLogSink::startDaemon);
    }

    /**
     * As the public constructor, with the queue size and the way the writer task is started given;
     * {@code writerStarter} must eventually run the task, or {@link #close} waits forever.
     */
    RequestLogSink(Path dir, int retainDays, Clock clock, int queueCapacity, Executor writerStarter)
            throws IOException {
        if (retainDays < 0) {
            throw new IllegalArgumentException("retain_days: " + retainDays + " (expected: >= 0, 0 keeps all)");
        }
        this.dir = dir;
        this.file = dir.resolve(FILE_NAME);
        this.retainDays = retainDays;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.queue = new RecordQueue<>(queueCapacity);
        Files.createDirectories(dir);
        LocalDate today = LocalDate.ofInstant(clock.instant(), clock.getZone());
        rotateStaleFile(today);
        this.fileSize = Files.exists(file) ? Files.size(file) : 0;
        this.out = new FileOutputStream(file.toFile(), true);
        startDay(today);
        deleteExpired(today);
        this.lastFlushNanos = System.nanoTime();
        try {
            writerStarter.execute(this::runWriter);
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    private static void startDaemon(Runnable writer) {
        Thread t = new Thread(writer, "gatehouse-request-log");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Queues {@code r} for writing. Never waits and does no I/O: returns false, and counts the record
     * as dropped, when the queue is full or the sink is closed.
     */
    public boolean offer(RequestLogRecord r) {
        Objects.requireNonNull(r, "record");
        if (queue.offer(r)) {
            if (writerIdle) {
                LockSupport.unpark(writerThread);
            }
            return true;
        }
        dropped.increment();
        return false;
    }

    /** Lines written to the file so far. */
    public long written() {
        return written;
    }

    /**
     * Records offered but never written: refused because the queue was full or the sink closed, or, at
     * close, still unwritable after the last attempts.
     */
    public long dropped() {
        return dropped.sum();
    }

    /** Failed attempts to write, open, rotate or delete log files. */
    public long writeErrors() {
        return writeErrors;
    }

    /** The file being written. */
    public Path file() {
        return file;
    }

    /**
     * Stops accepting records, writes all records accepted before, and closes the file. Waits for the
     * writer; idempotent.
     */
    @Override
    public void close() {
        queue.close();
        LockSupport.unpark(writerThread);
        boolean interrupted = false;
        while (true) {
            try {
                finished.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- writer thread ----

    private void runWriter() {
        writerThread = Thread.currentThread();
        try {
            while (!queue.isClosed()) {
                Progress p = drain();
                if (p != Progress.EMPTY) {
                    quietNaps = 0;
                }
                if (p == Progress.BLOCKED) {
                    LockSupport.parkNanos(this, Math.max(1, retryAtNanos - System.nanoTime()));
                } else if (!queue.hasNext()) {
                    flush();
                    checkDate(clock.millis());
                    waitForRecords();
                } else if (System.nanoTime() - lastFlushNanos >= FLUSH_INTERVAL_NANOS) {
                    flush();
                }
            }
            finish();
        } catch (RuntimeException | Error e) {
            LOG.error("request log writer for {} stopped unexpectedly", file, e);
            throw e;
        } finally {
            closeStream();
            finished.countDown();
        }
    }

    private void waitForRecords() {
        if (quietNaps < QUIET_NAPS_BEFORE_SLEEP) {
            // Under load a short nap batches lines: IO threads never pay for waking the writer per record.
            quietNaps++;
            LockSupport.parkNanos(this, BATCH_NAP_NANOS);
            return;
        }
        // Quiet for a while: sleep long, and let the next record wake the writer.
        writerIdle = true;
        if (!queue.hasNext() && !queue.isClosed()) {
            LockSupport.parkNanos(this, IDLE_WAIT_NANOS);
        }
        writerIdle = false;
    }

    /** Moves queued records into the buffer until the queue is empty or a write fails. */
    private Progress drain() {
        Progress progress = Progress.EMPTY;
        int sinceTimeCheck = 0;
        while (true) {
            if (!lineReady) {
                RequestLogRecord r = queue.poll();
                if (r == null) {
                    return progress;
                }
                checkDate(clock.millis());
                if (!formatLine(r)) {
                    continue;
                }
            }
            if (!placeLine()) {
                return Progress.BLOCKED;
            }
            progress = Progress.WROTE;
            if (++sinceTimeCheck == TIME_CHECK_EVERY) {
                sinceTimeCheck = 0;
                if (System.nanoTime() - lastFlushNanos >= FLUSH_INTERVAL_NANOS && !flush()) {
                    return Progress.BLOCKED;
                }
            }
        }
    }

    private boolean formatLine(RequestLogRecord r) {
        line.clear();
        try {
            RequestLogFormatter.formatTo(r, line);
        } catch (RuntimeException e) {
            writeErrors++;
            dropped.increment();
            LOG.warn("request log: cannot format record {}", r, e);
            return false;
        }
        line.put('\n');
        lineReady = true;
        return true;
    }

    /** Copies the formatted line into the buffer, writing the buffer first if it is full. */
    private boolean placeLine() {
        int len = line.length();
        if (bufLen + len > buf.length) {
            if (!flush()) {
                return false;
            }
            if (len > buf.length) {
                buf = new byte[len];
            }
        }
        line.copyTo(buf, bufLen); // the formatter writes ASCII only
        bufLen += len;
        bufLines++;
        lineReady = false;
        return true;
    }

    /** Writes the buffer to the file; false (and a retry later) if that failed. */
    private boolean flush() {
        if (bufLen == 0) {
            lastFlushNanos = System.nanoTime();
            return true;
        }
        if (out == null && !reopen()) {
            return false;
        }
        try {
            out.write(buf, 0, bufLen);
        } catch (IOException e) {
            tailMayBePartial = true;
            failed("write", e);
            closeStream();
            return false;
        }
        fileSize += bufLen;
        written += bufLines;
        bufLen = 0;
        bufLines = 0;
        lastFlushNanos = System.nanoTime();
        if (buf.length > BUFFER_BYTES) {
            buf = new byte[BUFFER_BYTES];
        }
        if (failing) {
            failing = false;
            LOG.info("request log: writing to {} again", file);
        }
        return true;
    }

    private boolean reopen() {
        if (System.nanoTime() - retryAtNanos < 0) {
            return false;
        }
        try {
            Files.createDirectories(dir);
            repairTail();
            fileSize = Files.exists(file) ? Files.size(file) : 0;
            out = new FileOutputStream(file.toFile(), true);
            return true;
        } catch (IOException e) {
            failed("open", e);
            return false;
        }
    }

    /** Cuts off what a failed write may have left after the last whole line, so every line parses. */
    private void repairTail() throws IOException {
        if (!tailMayBePartial) {
            return;
        }
        if (Files.exists(file)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                if (ch.size() > fileSize) {
                    ch.truncate(fileSize);
                }
            }
        }
        tailMayBePartial = false;
    }

    private void failed(String what, IOException e) {
        writeErrors++;
        retryAtNanos = System.nanoTime() + RETRY_NANOS;
        if (!failing) {
            failing = true;
            LOG.error("request log: cannot {} {}; retrying every second, records wait in the queue"
                    + " and are dropped when it is full", what, file, e);
        }
    }

    private void closeStream() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                writeErrors++;
                LOG.warn("request log: cannot close {}", file, e);
            }
            out = null;
        }
    }

    /** After close: writes every accepted record, giving up only if the file stays unwritable. */
    private void finish() {
        long end = queue.close();
        int attempts = 0;
        while (true) {
            Progress p = drain();
            boolean allTaken = queue.head() == end && !lineReady;
            if (p != Progress.BLOCKED && allTaken && flush()) {
                return;
            }
            if (p == Progress.BLOCKED || allTaken) { // a write failed
                if (++attempts > FINAL_ATTEMPTS) {
                    break;
                }
                LockSupport.parkNanos(this, FINAL_RETRY_NANOS);
                retryAtNanos = System.nanoTime();
                continue;
            }
            Thread.yield(); // a producer claimed a slot before the close and is about to fill it
        }
        long lost = bufLines + (lineReady ? 1 : 0) + (end - queue.head());
        dropped.add(lost);
        LOG.error("request log: {} lines could not be written to {} at stop", lost, file);
    }

    // ---- rotation and retention (writer thread, and the constructor before it starts) ----

    private void startDay(LocalDate day) {
        fileDay = day;
        nextDayMillis = day.plusDays(1).atStartOfDay(clock.getZone()).toInstant().toEpochMilli();
    }

    private void checkDate(long nowMillis) {
        if (nowMillis < nextDayMillis) {
            return;
        }
        LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(nowMillis), clock.getZone());
        rotate(day);
    }

    private void rotate(LocalDate newDay) {
        flush(); // best effort: what cannot be written now goes to the new file
        closeStream();
        try {
            repairTail();
            if (Files.exists(file) && Files.size(file) > 0) {
                Files.move(file, rotatedName(fileDay));
            }
        } catch (IOException e) {
            writeErrors++;
            LOG.error("request log: cannot rotate {} for {}; continuing in the same file", file, fileDay, e);
        }
        startDay(newDay);
        retryAtNanos = System.nanoTime();
        reopen();
        deleteExpired(newDay);
    }

    private void rotateStaleFile(LocalDate today) throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0) {
            return;
        }
        LocalDate modified = LocalDate.ofInstant(Files.getLastModifiedTime(file).toInstant(), clock.getZone());
        if (modified.isBefore(today)) {
            Files.move(file, rotatedName(modified));
        }
    }

    /** {@code request.log.YYYY-MM-DD}, or with {@code .1}, {@code .2}... if that name is taken. */
    private Path rotatedName(LocalDate day) {
        String base = FILE_NAME + "." + day;
        Path p = dir.resolve(base);
        for (int i = 1; Files.exists(p); i++) {
            p = dir.resolve(base + "." + i);
        }
        return p;
    }

    private void deleteExpired(LocalDate today) {
        if (retainDays == 0) {
            return;
        }
        LocalDate oldestKept = today.minusDays(retainDays);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, FILE_NAME + ".*")) {
            for (Path p : files) {
                LocalDate day = rotatedDay(p.getFileName().toString());
                if (day != null && day.isBefore(oldestKept)) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        writeErrors++;
                        LOG.warn("request log: cannot delete expired {}", p, e);
                    }
                }
            }
        } catch (IOException e) {
            writeErrors++;
            LOG.warn("request log: cannot list {} to delete expired files", dir, e);
        }
    }

    /** The day in a rotated file's name ({@code request.log.YYYY-MM-DD[.N]}), or null for other names. */
    static LocalDate rotatedDay(String name) {
        int at = FILE_NAME.length() + 1;
        if (!name.startsWith(FILE_NAME + ".") || name.length() < at + 10) {
            return null;
        }
        String rest = name.substring(at + 10);
        if (!rest.isEmpty() && (rest.length() < 2 || rest.charAt(0) != '.' || !allDigits(rest.substring(1)))) {
            return null;
        }
        try {
            return LocalDate.parse(name.substring(at, at + 10));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
