package dev.kiln.cli.demo;

import dev.kiln.estimator.EpochEnd;
import dev.kiln.estimator.Estimator;
import dev.kiln.metric.MetricValue;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Prints one line per epoch (its training time and throughput from the {@link TrainingClock}, then every reported
 * value). Runs last, after validation and after a progress bar has closed its line, whose values a narrow
 * terminal cuts off.
 */
final class EpochLines implements EpochEnd {
    private final PrintWriter out;
    private final TrainingClock clock;
    private int epoch;

    EpochLines(PrintWriter out, TrainingClock clock) {
        this.out = out;
        this.clock = clock;
    }

    @Override
    public int priority() {
        return Integer.MAX_VALUE;
    }

    @Override
    public boolean epochEnd(Estimator estimator) {
        TrainingClock.Epoch timed = clock.epochs().getLast();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  epoch %d/%d  %5.2f s  %6.0f samples/s",
                ++epoch, estimator.maxEpoch(), timed.seconds(), timed.samples() / timed.seconds()));
        for (MetricValue v : estimator.reportedValues()) {
            line.append(String.format(Locale.ROOT, "  %s %.4f", v.name(), v.value()));
        }
        out.println(line);
        out.flush();
        return false;
    }
}
