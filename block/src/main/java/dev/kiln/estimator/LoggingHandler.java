package dev.kiln.estimator;

import dev.kiln.KilnException;
import dev.kiln.metric.MetricValue;
import dev.kiln.ndarray.NDArray;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Logs the run through the estimator's {@link System.Logger} (Gluon's {@code LoggingHandler}): the optimizer
 * and learning rate at train begin, each epoch's begin and end with its time and the training and validation
 * values, and with an interval also every {@code k}-th batch with the samples seen. Priority is the largest, so it
 * reads every other handler's results. A handler the caller creates logs at INFO; the one the estimator adds by
 * default logs at DEBUG, so a plain {@code fit} stays quiet under the JDK's default logging setup.
 */
public final class LoggingHandler implements TrainBegin, TrainEnd, EpochBegin, EpochEnd, BatchBegin, BatchEnd {
    private final int logInterval;
    private final Level level;
    private long trainStart;
    private long epochStart;
    private long batchStart;
    private double intervalSeconds;
    private int currentEpoch;
    private int batchIndex;
    private long processedSamples;

    private LoggingHandler(int logInterval, Level level) {
        this.logInterval = logInterval;
        this.level = Objects.requireNonNull(level, "level");
    }

    /** Logs at epoch boundaries only (Gluon's {@code log_interval='epoch'}). */
    public static LoggingHandler perEpoch() {
        return new LoggingHandler(0, Level.INFO);
    }

    /** Also logs every {@code k} batches (Gluon's integer {@code log_interval}). */
    public static LoggingHandler everyBatches(int k) {
        if (k <= 0) {
            throw new KilnException("LoggingHandler: the batch interval must be positive, got " + k);
        }
        return new LoggingHandler(k, Level.INFO);
    }

    /** The same handler logging at {@code level} (INFO unless changed). */
    public LoggingHandler atLevel(Level level) {
        return new LoggingHandler(logInterval, level);
    }

    /** The level its lines are logged at. */
    public Level level() {
        return level;
    }

    @Override
    public int priority() {
        return Integer.MAX_VALUE;
    }

    @Override
    public void trainBegin(Estimator estimator) {
        trainStart = System.nanoTime();
        log(estimator, String.format(Locale.ROOT, "Training begin: using optimizer %s with current learning rate %.4f",
                estimator.trainer().optimizer().getClass().getSimpleName(), estimator.trainer().learningRate()));
        log(estimator, estimator.maxEpoch() != null ? "Train for " + estimator.maxEpoch() + " epochs."
                : "Train for " + estimator.maxBatch() + " batches.");
        currentEpoch = 0;
        batchIndex = 0;
        processedSamples = 0;
        intervalSeconds = 0;
    }

    @Override
    public void trainEnd(Estimator estimator) {
        log(estimator, String.format(Locale.ROOT, "Train finished using total %ds with %d epochs. ",
                (System.nanoTime() - trainStart) / 1_000_000_000L, currentEpoch) + format(estimator.reportedValues()));
    }

    @Override
    public void epochBegin(Estimator estimator) {
        epochStart = System.nanoTime();
        log(estimator, String.format(Locale.ROOT, "[Epoch %d] Begin, current learning rate: %.4f", currentEpoch,
                estimator.trainer().learningRate()));
    }

    @Override
    public boolean epochEnd(Estimator estimator) {
        log(estimator, String.format(Locale.ROOT, "[Epoch %d] Finished in %.3fs, ", currentEpoch,
                (System.nanoTime() - epochStart) / 1e9) + format(estimator.reportedValues()));
        currentEpoch++;
        batchIndex = 0;
        return false;
    }

    @Override
    public void batchBegin(Estimator estimator, List<NDArray> batch) {
        batchStart = System.nanoTime();
    }

    @Override
    public boolean batchEnd(Estimator estimator, BatchResult result) {
        if (logInterval > 0) {
            processedSamples += result.batchSize();
            intervalSeconds += (System.nanoTime() - batchStart) / 1e9;
            if (batchIndex % logInterval == 0) {
                log(estimator, String.format(Locale.ROOT, "[Epoch %d][Batch %d][Samples %d] time/interval: %.3fs ",
                        currentEpoch, batchIndex, processedSamples, intervalSeconds)
                        + format(estimator.trainValues()));
                intervalSeconds = 0;
            }
        }
        batchIndex++;
        return false;
    }

    /** Gluon's {@code name: value} list with four decimals. */
    static String format(List<MetricValue> values) {
        StringBuilder sb = new StringBuilder();
        for (MetricValue v : values) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(String.format(Locale.ROOT, "%s: %.4f", v.name(), v.value()));
        }
        return sb.toString();
    }

    private void log(Estimator estimator, String message) {
        estimator.logger().log(level, message.strip());
    }
}
