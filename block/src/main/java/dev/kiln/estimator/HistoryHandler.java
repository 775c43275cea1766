package dev.kiln.estimator;

import dev.kiln.metric.MetricValue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records every epoch's reported values, learning rate and time into the {@link TrainingHistory} that
 * {@link Estimator#fit} returns, and at train end optionally writes it (CSV, JSON, PNG, SVG). Priority -500: after
 * validation has refreshed the validation metrics at the same epoch end, before checkpoints and logging.
 */
public final class HistoryHandler implements TrainBegin, EpochBegin, EpochEnd, TrainEnd {
    private final Path outputDir;
    private final String prefix;
    private TrainingHistory history = new TrainingHistory();
    private long epochStart;
    private int epoch;

    /** Records only; the caller writes the history if it wants files. */
    public HistoryHandler() {
        this(null, null);
    }

    /** Records and, at train end, writes {@code <prefix>.csv/.json/.png/.svg} into {@code outputDir}. */
    public HistoryHandler(Path outputDir, String prefix) {
        this.outputDir = outputDir;
        this.prefix = prefix == null ? "training" : prefix;
    }

    public TrainingHistory history() {
        return history;
    }

    @Override
    public int priority() {
        return -500;
    }

    @Override
    public void trainBegin(Estimator estimator) {
        history = new TrainingHistory();
        epoch = 0;
    }

    @Override
    public void epochBegin(Estimator estimator) {
        epochStart = System.nanoTime();
    }

    @Override
    public boolean epochEnd(Estimator estimator) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (MetricValue v : estimator.reportedValues()) {
            values.put(v.name(), v.value());
        }
        history.add(new TrainingHistory.Epoch(epoch++, estimator.trainer().learningRate(),
                (System.nanoTime() - epochStart) / 1e9, values));
        return false;
    }

    @Override
    public void trainEnd(Estimator estimator) {
        if (outputDir != null) {
            history.saveAll(outputDir, prefix);
        }
    }
}
