package dev.kiln.bench.suite;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What one run of the model suite measures: {@code quick} keeps each model and pass at its smaller batch only and
 * times every column briefly (the whole run then takes well under a minute); {@code threads} is Kiln's thread count
 * and MXNet's OpenMP threads; {@code only} keeps the model rows whose name contains it, ignoring case (empty: all);
 * {@code gemm} adds the GEMM rows.
 */
public record SuiteOptions(boolean quick, int threads, String only, boolean gemm) {
    public SuiteOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        only = only == null ? "" : only;
    }

    /** How long each column is timed. */
    public Timer timer() {
        return quick ? Timer.quick() : Timer.standard();
    }

    /**
     * The suite's rows this run measures, in table order; fails naming the models when {@code only} matches none.
     */
    public List<ModelCase> cases() {
        String wanted = only.toLowerCase(Locale.ROOT);
        Set<String> seen = new LinkedHashSet<>();
        Set<String> models = new LinkedHashSet<>();
        List<ModelCase> out = new ArrayList<>();
        for (ModelCase c : ModelSuite.rows()) {
            models.add(c.model());
            boolean smallest = seen.add(c.model() + "/" + c.pass()); // the suite lists the smaller batch first
            if ((smallest || !quick) && c.model().toLowerCase(Locale.ROOT).contains(wanted)) {
                out.add(c);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no model of the suite matches '" + only + "'; the models are "
                    + String.join(", ", models));
        }
        return out;
    }
}
