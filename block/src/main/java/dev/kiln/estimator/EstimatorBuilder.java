package dev.kiln.estimator;

import dev.kiln.block.Block;
import dev.kiln.init.Initializer;
import dev.kiln.metric.EvalMetric;
import dev.kiln.ndarray.Device;
import dev.kiln.trainer.Trainer;

import java.io.PrintStream;
import java.util.List;

/**
 * The arguments of Gluon's {@code Estimator(net, loss, train_metrics, val_metrics, initializer, trainer, context,
 * val_net, val_loss, batch_processor)}, plus a seed, a logger and the progress bar's stream.
 */
public final class EstimatorBuilder {
    final Block net;
    final Block loss;
    List<EvalMetric> trainMetrics = List.of();
    List<EvalMetric> valMetrics = List.of();
    Initializer initializer;
    Trainer trainer;
    Device device;
    Block evalNet;
    Block evalLoss;
    BatchProcessor batchProcessor;
    System.Logger logger;
    Long seed;
    PrintStream progressBar;

    EstimatorBuilder(Block net, Block loss) {
        this.net = net;
        this.loss = loss;
    }

    /** Metrics updated on every training batch (Gluon: accuracy for softmax cross-entropy when none given). */
    public EstimatorBuilder trainMetrics(List<EvalMetric> metrics) {
        this.trainMetrics = List.copyOf(metrics);
        return this;
    }

    public EstimatorBuilder trainMetrics(EvalMetric... metrics) {
        return trainMetrics(List.of(metrics));
    }

    /** Metrics updated by {@link Estimator#evaluate}; by default fresh ones of the training metrics' kinds. */
    public EstimatorBuilder valMetrics(List<EvalMetric> metrics) {
        this.valMetrics = List.copyOf(metrics);
        return this;
    }

    public EstimatorBuilder valMetrics(EvalMetric... metrics) {
        return valMetrics(List.of(metrics));
    }

    /** Initialises the net's uninitialised parameters (Gluon's default {@code Uniform} when not given). */
    public EstimatorBuilder initializer(Initializer initializer) {
        this.initializer = initializer;
        return this;
    }

    /** The trainer that steps the parameters (default: SGD with learning rate 0.001, as Gluon). */
    public EstimatorBuilder trainer(Trainer trainer) {
        this.trainer = trainer;
        return this;
    }

    /** Where batches are moved before the forward pass (default: the CPU). */
    public EstimatorBuilder device(Device device) {
        this.device = device;
        return this;
    }

    /** A different net for validation (Gluon's {@code val_net}), sharing parameters with the trained one. */
    public EstimatorBuilder evalNet(Block evalNet) {
        this.evalNet = evalNet;
        return this;
    }

    /** A different loss for validation (Gluon's {@code val_loss}). */
    public EstimatorBuilder evalLoss(Block evalLoss) {
        this.evalLoss = evalLoss;
        return this;
    }

    /** Replaces how one batch is trained or evaluated. */
    public EstimatorBuilder batchProcessor(BatchProcessor batchProcessor) {
        this.batchProcessor = batchProcessor;
        return this;
    }

    /** Where the logging handler writes (default: {@code System.getLogger("dev.kiln.estimator.Estimator")}). */
    public EstimatorBuilder logger(System.Logger logger) {
        this.logger = logger;
        return this;
    }

    /**
     * Seeds {@code dev.kiln.random} before initialising and at the start of every fit, so dropout masks and
     * initial weights repeat; shuffling repeats when the data loader is seeded too.
     */
    public EstimatorBuilder seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * Adds a progress bar drawn on {@code out} to the default handlers (none by default: the library never writes
     * to the console on its own). A console application passes {@code System.err}, typically only when
     * {@link ProgressBarHandler#interactive()}; {@code null} removes it again.
     */
    public EstimatorBuilder progressBar(PrintStream out) {
        this.progressBar = out;
        return this;
    }

    public Estimator build() {
        return Estimator.create(this);
    }
}
