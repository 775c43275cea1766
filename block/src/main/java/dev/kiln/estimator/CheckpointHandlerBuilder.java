package dev.kiln.estimator;

import dev.kiln.KilnException;
import dev.kiln.metric.EvalMetric;

import java.nio.file.Path;

/** Gluon's {@code CheckpointHandler} arguments with their defaults. */
public final class CheckpointHandlerBuilder {
    final Path modelDir;
    String prefix = "model";
    EvalMetric monitor;
    boolean verbose;
    boolean saveBest;
    MonitorMode mode = MonitorMode.AUTO;
    int epochPeriod = 1;
    int batchPeriod;
    int maxCheckpoints = 5;
    boolean resumeFromCheckpoint;

    CheckpointHandlerBuilder(Path modelDir) {
        if (modelDir == null) {
            throw new KilnException("CheckpointHandler: modelDir is null");
        }
        this.modelDir = modelDir;
    }

    /** File-name prefix (default {@code model}). */
    public CheckpointHandlerBuilder prefix(String prefix) {
        this.prefix = prefix;
        return this;
    }

    /** The metric that decides the best model. */
    public CheckpointHandlerBuilder monitor(EvalMetric monitor) {
        this.monitor = monitor;
        return this;
    }

    /** Logs every save. */
    public CheckpointHandlerBuilder verbose(boolean verbose) {
        this.verbose = verbose;
        return this;
    }

    /** Also keeps the model with the best monitored value as {@code <prefix>-best}. */
    public CheckpointHandlerBuilder saveBest(boolean saveBest) {
        this.saveBest = saveBest;
        return this;
    }

    public CheckpointHandlerBuilder mode(MonitorMode mode) {
        this.mode = mode;
        return this;
    }

    /** Saves every this many epochs (default 1; 0: never at epoch end). */
    public CheckpointHandlerBuilder epochPeriod(int epochPeriod) {
        this.epochPeriod = epochPeriod;
        return this;
    }

    /** Saves every this many batches (default 0: never at batch end). */
    public CheckpointHandlerBuilder batchPeriod(int batchPeriod) {
        this.batchPeriod = batchPeriod;
        return this;
    }

    /** Numbered checkpoints kept; older ones are deleted (the best is not counted). Default 5. */
    public CheckpointHandlerBuilder maxCheckpoints(int maxCheckpoints) {
        this.maxCheckpoints = maxCheckpoints;
        return this;
    }

    /** Loads the newest checkpoint at train begin and trains only the epochs or batches left. */
    public CheckpointHandlerBuilder resumeFromCheckpoint(boolean resume) {
        this.resumeFromCheckpoint = resume;
        return this;
    }

    public CheckpointHandler build() {
        return new CheckpointHandler(this);
    }
}
