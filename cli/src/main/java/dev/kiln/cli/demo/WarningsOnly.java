package dev.kiln.cli.demo;

import java.io.PrintWriter;
import java.text.MessageFormat;
import java.util.ResourceBundle;

/**
 * The estimator's logger in the demo: the demo prints its own epoch lines, so the estimator's INFO log is dropped,
 * and warnings and errors become one line each on the command's error stream.
 */
final class WarningsOnly implements System.Logger {
    private final PrintWriter err;

    WarningsOnly(PrintWriter err) {
        this.err = err;
    }

    @Override
    public String getName() {
        return "kiln demo";
    }

    @Override
    public boolean isLoggable(Level level) {
        return level.getSeverity() >= Level.WARNING.getSeverity();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        if (isLoggable(level)) {
            err.println("kiln demo: " + level.getName().toLowerCase(java.util.Locale.ROOT) + ": " + msg
                    + (thrown != null ? " (" + thrown + ")" : ""));
            err.flush();
        }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        log(level, bundle, params == null || params.length == 0 ? format : MessageFormat.format(format, params),
                (Throwable) null);
    }
}
