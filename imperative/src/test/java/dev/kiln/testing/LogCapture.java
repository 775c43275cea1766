package dev.kiln.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what a {@code java.util.logging} logger (the default backend of {@code System.Logger}) publishes while
 * open: {@code try (var logs = LogCapture.of("dev.kiln.hybrid")) { ...; logs.records() }}.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogCapture(Logger logger) {
        this.logger = logger;
    }

    /** Starts collecting the records of logger {@code name} and its children. */
    public static LogCapture of(String name) {
        LogCapture c = new LogCapture(Logger.getLogger(name));
        c.logger.addHandler(c);
        return c;
    }

    /** The records collected so far. */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    @Override
    public void publish(LogRecord r) {
        records.add(r);
    }

    @Override
    public void flush() {
    }

    /** Stops collecting. */
    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
