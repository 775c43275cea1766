package dev.kiln.estimator;

import dev.kiln.KilnException;
import dev.kiln.data.DataLoader;
import dev.kiln.block.HybridBlock;
import dev.kiln.metric.MetricValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Saves the net's parameters ({@code .params}) and the trainer's state ({@code .states}) every {@code epochPeriod}
 * epochs and/or {@code batchPeriod} batches as {@code <prefix>-epoch<E>batch<B>}, keeps the newest
 * {@code maxCheckpoints}, optionally keeps the best model by a monitored metric as {@code <prefix>-best}, writes the
 * graph as {@code <prefix>-symbol.json} after the first batch of a hybridized net, and can resume a run from the
 * newest checkpoint (Gluon's {@code CheckpointHandler}; build with {@link #builder}).
 */
public final class CheckpointHandler implements TrainBegin, BatchEnd, EpochEnd {
    private final Path modelDir;
    private final String prefix;
    private final Monitor monitor;
    private final boolean verbose;
    private final boolean saveBest;
    private final int epochPeriod;
    private final int batchPeriod;
    private final int maxCheckpoints;
    private final boolean resume;
    private final Deque<CheckpointName> saved = new ArrayDeque<>();
    private int currentEpoch;
    private int currentBatch;
    private CheckpointName resumedFrom;
    private double best;

    CheckpointHandler(CheckpointHandlerBuilder b) {
        if (b.saveBest && b.monitor == null) {
            throw new KilnException("CheckpointHandler: saveBest needs a monitor; pass one of the estimator's "
                    + "trainMetrics() or valMetrics()");
        }
        if (b.epochPeriod < 0 || b.batchPeriod < 0 || b.maxCheckpoints < 1) {
            throw new KilnException("CheckpointHandler: periods must be >= 0 and maxCheckpoints >= 1, got epochPeriod="
                    + b.epochPeriod + ", batchPeriod=" + b.batchPeriod + ", maxCheckpoints=" + b.maxCheckpoints);
        }
        this.modelDir = b.modelDir;
        this.prefix = b.prefix;
        this.monitor = b.monitor == null ? null : new Monitor("CheckpointHandler", b.monitor, b.mode);
        this.verbose = b.verbose;
        this.saveBest = b.saveBest;
        this.epochPeriod = b.epochPeriod;
        this.batchPeriod = b.batchPeriod;
        this.maxCheckpoints = b.maxCheckpoints;
        this.resume = b.resumeFromCheckpoint;
        try {
            Files.createDirectories(modelDir);
        } catch (IOException e) {
            throw new UncheckedIOException("CheckpointHandler: cannot create model directory " + modelDir, e);
        }
    }

    /** Checkpoints into {@code modelDir}, every epoch, prefix {@code model}, the newest 5 kept. */
    public static CheckpointHandlerBuilder builder(Path modelDir) {
        return new CheckpointHandlerBuilder(modelDir);
    }

    /** The checkpoints this handler has saved and still keeps, oldest first. */
    public List<String> savedCheckpoints() {
        return saved.stream().map(CheckpointName::stem).toList();
    }

    /** The best monitored value saved so far (infinite before the first). */
    public double best() {
        return best;
    }

    @Override
    public void trainBegin(Estimator estimator) {
        currentEpoch = 0;
        currentBatch = 0;
        resumedFrom = null;
        if (monitor != null) {
            best = monitor.worst();
        }
        if (resume) {
            resume(estimator);
        }
    }

    @Override
    public boolean batchEnd(Estimator estimator, BatchResult result) {
        if (currentBatch == 0 && estimator.net() instanceof HybridBlock hb && hb.isHybridized()) {
            hb.trace(true).save(modelDir.resolve(prefix + "-symbol.json"));
        }
        if (batchPeriod > 0 && (currentBatch + 1) % batchPeriod == 0) {
            save(estimator, estimator.maxEpoch() == null ? 1 : 0);
        }
        currentBatch++;
        return false;
    }

    @Override
    public boolean epochEnd(Estimator estimator) {
        if (epochPeriod > 0 && (currentEpoch + 1) % epochPeriod == 0) {
            save(estimator, 0);
        }
        currentEpoch++;
        return false;
    }

    /**
     * Saves the numbered checkpoint; Gluon's numbering: the epoch counted from 0 and the batches done so far, which
     * at a batch end of a batch-limited run count the current batch ({@code batchOffset} 1).
     */
    private void save(Estimator estimator, int batchOffset) {
        CheckpointName name = resumedFrom == null
                ? new CheckpointName(prefix, currentEpoch, currentBatch)
                : new CheckpointName(prefix, currentEpoch + resumedFrom.epoch() + 1,
                        currentBatch + resumedFrom.batch() + batchOffset);
        write(estimator, name.params(modelDir), name.states(modelDir));
        saved.addLast(name);
        while (saved.size() > maxCheckpoints) {
            CheckpointName old = saved.removeFirst();
            delete(old.params(modelDir));
            delete(old.states(modelDir));
        }
        log(estimator, String.format("[Epoch %d] CheckpointHandler: trained total %d batches, saving model at %s "
                + "with prefix: %s", currentEpoch, currentBatch + 1, modelDir, name.stem()));
        if (saveBest) {
            saveIfBest(estimator);
        }
    }

    private void saveIfBest(Estimator estimator) {
        MetricValue value = monitor.current();
        if (Double.isNaN(value.value())) {
            estimator.logger().log(System.Logger.Level.WARNING, "CheckpointHandler: skipping save best because "
                    + value.name() + " is not updated; pass one of the estimator's metrics as monitor");
        } else if (monitor.improves(value.value(), best)) {
            log(estimator, String.format("[Epoch %d] CheckpointHandler: %s improved from %.5f to %.5f, updating "
                    + "best model with prefix: %s-best", currentEpoch, value.name(), best, value.value(), prefix));
            best = value.value();
            write(estimator, modelDir.resolve(prefix + "-best.params"), modelDir.resolve(prefix + "-best.states"));
        }
    }

    private void write(Estimator estimator, Path params, Path states) {
        estimator.net().saveParameters(params);
        estimator.trainer().saveStates(states);
    }

    private void resume(Estimator estimator) {
        boolean byEpoch = estimator.maxEpoch() != null;
        if (byEpoch ? epochPeriod == 0 || batchPeriod != 0 : batchPeriod == 0 || epochPeriod != 0) {
            throw new KilnException("CheckpointHandler: to resume from a checkpoint, save only by the kind of period "
                    + "the run is limited by (" + (byEpoch ? "epochs: set batchPeriod 0" : "batches: set epochPeriod 0")
                    + "), got epochPeriod=" + epochPeriod + ", batchPeriod=" + batchPeriod);
        }
        List<CheckpointName> found = CheckpointName.list(modelDir, prefix);
        if (found.isEmpty()) {
            log(estimator, "CheckpointHandler: no checkpoint found, training from scratch", true);
            return;
        }
        CheckpointName last = found.getLast();
        if (byEpoch && last.epoch() >= estimator.maxEpoch() - 1
                || !byEpoch && last.batch() >= estimator.maxBatch() - 1) {
            throw new KilnException("CheckpointHandler: checkpoint " + last.stem() + " already reached the run's limit"
                    + " of " + (byEpoch ? estimator.maxEpoch() + " epochs" : estimator.maxBatch() + " batches")
                    + "; turn resumeFromCheckpoint off to train from scratch");
        }
        if (!Files.exists(last.states(modelDir))) {
            throw new KilnException("CheckpointHandler: cannot resume, " + last.states(modelDir) + " is missing");
        }
        estimator.net().loadParameters(last.params(modelDir));
        estimator.trainer().loadStates(last.states(modelDir));
        if (byEpoch) {
            if (estimator.trainData() instanceof DataLoader loader) {
                loader.setEpoch(last.epoch() + 1); // the shuffle order and augmentations of the epoch that comes next
            }
            estimator.setLimits(estimator.maxEpoch() - last.epoch() - 1, null);
        } else {
            estimator.setLimits(null, estimator.maxBatch() - last.batch() - 1);
        }
        saved.clear();
        saved.addAll(found);
        resumedFrom = last;
        log(estimator, "CheckpointHandler: resumed from " + last.stem() + ", training for "
                + (byEpoch ? estimator.maxEpoch() + " more epochs" : estimator.maxBatch() + " more batches"), true);
    }

    private void log(Estimator estimator, String message) {
        log(estimator, message, verbose);
    }

    private static void log(Estimator estimator, String message, boolean show) {
        if (show) {
            estimator.logger().log(System.Logger.Level.INFO, message);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("CheckpointHandler: cannot delete old checkpoint " + file, e);
        }
    }
}
