package dev.kiln.estimator;

import dev.kiln.KilnException;
import dev.kiln.metric.EvalMetric;
import dev.kiln.metric.MetricValue;

/**
 * Stops training when a monitored metric has not improved by more than {@code minDelta} for {@code patience}
 * consecutive epochs (Gluon's {@code EarlyStoppingHandler}). A {@code baseline}, when given, is the value to beat
 * from the start. A metric that has not been updated (NaN) is skipped with a warning, as in Gluon.
 */
public final class EarlyStoppingHandler implements TrainBegin, EpochEnd, TrainEnd {
    private final Monitor monitor;
    private final double minDelta;
    private final int patience;
    private final Double baseline;
    private double best;
    private int wait;
    private int currentEpoch;
    private int stoppedEpoch;
    private boolean stop;

    /** Stops at the first epoch without improvement. */
    public EarlyStoppingHandler(EvalMetric monitor) {
        this(monitor, 0, 0, MonitorMode.AUTO, null);
    }

    public EarlyStoppingHandler(EvalMetric monitor, double minDelta, int patience, MonitorMode mode, Double baseline) {
        if (patience < 0 || minDelta < 0) {
            throw new KilnException("EarlyStoppingHandler: patience and minDelta must be >= 0, got patience="
                    + patience + ", minDelta=" + minDelta);
        }
        this.monitor = new Monitor("EarlyStoppingHandler", monitor, mode);
        // Gluon keeps the delta signed so that "value - delta" must beat the best in the improving direction.
        this.minDelta = this.monitor.greater() ? minDelta : -minDelta;
        this.patience = patience;
        this.baseline = baseline;
    }

    /** The epoch (counted from 0) at which training was stopped, 0 when it was not. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    /** The best value seen so far (the baseline until beaten). */
    public double best() {
        return best;
    }

    @Override
    public void trainBegin(Estimator estimator) {
        wait = 0;
        stoppedEpoch = 0;
        currentEpoch = 0;
        stop = false;
        best = baseline != null ? baseline : monitor.worst();
    }

    @Override
    public boolean epochEnd(Estimator estimator) {
        MetricValue value = monitor.current();
        if (Double.isNaN(value.value())) {
            estimator.logger().log(System.Logger.Level.WARNING, "EarlyStoppingHandler: " + value.name()
                    + " is not updated; pass one of the estimator's trainMetrics() or valMetrics() as monitor");
        } else if (monitor.improves(value.value() - minDelta, best)) {
            best = value.value();
            wait = 0;
        } else {
            wait++;
            if (wait >= patience) {
                stoppedEpoch = currentEpoch;
                stop = true;
            }
        }
        currentEpoch++;
        return stop;
    }

    @Override
    public void trainEnd(Estimator estimator) {
        if (stoppedEpoch > 0) {
            estimator.logger().log(System.Logger.Level.INFO, String.format(
                    "[Epoch %d] EarlyStoppingHandler: early stopping due to %s not improving", stoppedEpoch,
                    monitor.current().name()));
        }
    }
}
