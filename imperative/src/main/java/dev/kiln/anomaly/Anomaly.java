package dev.kiln.anomaly;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Anomaly mode: while it is on, every op's floating outputs are checked for NaN and infinity, and the first op that
 * produces one is reported ({@link NumericAnomalyException}) with its attributes, inputs, the pass (forward, or the
 * backward of which op), the block path, the graph node of a hybridized block and the line of code that applied it.
 * Off by default; when off, an op pays two field reads. Turn it on for a piece of code on one thread with
 * {@code try (var scope = Anomaly.detect()) { ... }} (scopes nest; the innermost mode wins), or for every thread with
 * {@link #setMode} or the system property {@code kiln.anomaly} ({@code true}/{@code throw}, {@code warn}).
 */
public final class Anomaly {
    /** What anomaly mode does about a non-finite value. */
    public enum Mode {
        /** No checks. */
        OFF,
        /** Logs the report at {@code WARNING} through {@link System.Logger} and goes on; only ops with finite inputs. */
        WARN,
        /** Throws {@link NumericAnomalyException} at the first op with a non-finite output. */
        THROW
    }

    /** The system property that turns anomaly mode on for every thread at start-up. */
    public static final String PROPERTY = "kiln.anomaly";

    private static volatile Mode global = fromProperty(System.getProperty(PROPERTY));
    /** Scopes open on any thread: while none is, the thread-local lookup is skipped. */
    private static final AtomicInteger OPEN = new AtomicInteger();
    private static final ThreadLocal<Scope> INNERMOST = new ThreadLocal<>();

    private Anomaly() {
    }

    /** Turns checking on for this thread, throwing at the first anomaly, until the scope is closed. */
    public static Scope detect() {
        return detect(Mode.THROW);
    }

    /**
     * Sets this thread's mode to {@code mode} until the scope is closed, when the mode it replaced comes back;
     * {@link Mode#OFF} suspends checking inside a checked region (a computation that overflows on purpose).
     */
    public static Scope detect(Mode mode) {
        if (mode == null) {
            throw new IllegalArgumentException("Anomaly.detect: mode is null; use Mode.OFF, WARN or THROW");
        }
        Scope s = new Scope(mode, INNERMOST.get());
        INNERMOST.set(s);
        OPEN.incrementAndGet();
        return s;
    }

    /** The mode of threads outside any scope ({@code kiln.anomaly} sets it at start-up). */
    public static void setMode(Mode mode) {
        if (mode == null) {
            throw new IllegalArgumentException("Anomaly.setMode: mode is null; use Mode.OFF, WARN or THROW");
        }
        global = mode;
    }

    /** {@code setMode(THROW)} or {@code setMode(OFF)}. */
    public static void setEnabled(boolean enabled) {
        setMode(enabled ? Mode.THROW : Mode.OFF);
    }

    /** The mode of threads outside any scope. */
    public static Mode globalMode() {
        return global;
    }

    /** This thread's mode: its innermost open scope's, else the global one. */
    public static Mode mode() {
        if (OPEN.get() == 0) {
            return global;
        }
        Scope s = INNERMOST.get();
        return s == null ? global : s.mode;
    }

    /** Whether ops on this thread are checked now. */
    public static boolean isEnabled() {
        return mode() != Mode.OFF;
    }

    static Mode fromProperty(String value) {
        if (value == null) {
            return Mode.OFF;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "", "false", "off" -> Mode.OFF;
            case "true", "on", "throw" -> Mode.THROW;
            case "warn" -> Mode.WARN;
            default -> {
                System.getLogger(Anomaly.class.getName()).log(System.Logger.Level.WARNING, "-D" + PROPERTY + "="
                        + value + " is not a mode (true, throw, warn, false); anomaly mode stays off");
                yield Mode.OFF;
            }
        };
    }

    /** A region of one thread with its own anomaly mode; close it on that thread, innermost first. */
    public static final class Scope implements AutoCloseable {
        private final Mode mode;
        private final Scope outer;
        private final Thread owner = Thread.currentThread();
        private boolean closed;

        private Scope(Mode mode, Scope outer) {
            this.mode = mode;
            this.outer = outer;
        }

        /** The mode this scope sets. */
        public Mode mode() {
            return mode;
        }

        /** Restores the mode this scope replaced. Closing twice does nothing. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("an anomaly scope must be closed on the thread that opened it ("
                        + owner.getName() + "), not on " + Thread.currentThread().getName());
            }
            if (INNERMOST.get() != this) {
                throw new IllegalStateException("anomaly scopes must be closed innermost first; use "
                        + "try-with-resources");
            }
            closed = true;
            if (outer == null) {
                INNERMOST.remove();
            } else {
                INNERMOST.set(outer);
            }
            OPEN.decrementAndGet();
        }
    }
}
