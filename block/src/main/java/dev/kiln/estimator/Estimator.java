package dev.kiln.estimator;

import dev.kiln.KilnException;
import dev.kiln.block.Block;
import dev.kiln.init.Initializer;
import dev.kiln.init.Uniform;
import dev.kiln.loss.SoftmaxCrossEntropyLoss;
import dev.kiln.metric.EvalMetric;
import dev.kiln.metric.LossMetric;
import dev.kiln.metric.MetricValue;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.random.Random;
import dev.kiln.trainer.Trainer;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gluon's {@code Estimator}: trains a net with a loss, a trainer and metrics through a loop of event handlers, so that
 * logging, validation, checkpoints, early stopping, clipping, schedules, a progress bar and training curves are
 * handlers rather than hand-written loop code. The net is only called, so eager and hybridized nets train alike.
 *
 * <p>Training metrics always start with a running mean of the loss ({@code training loss}); validation metrics
 * mirror them ({@code validation loss}, ...). Reported names carry Gluon's {@code training }/{@code validation }
 * prefixes.
 */
public final class Estimator {
    private final Block net;
    private final Block loss;
    private final Block evalNet;
    private final Block evalLoss;
    private final List<EvalMetric> trainMetrics;
    private final List<EvalMetric> valMetrics;
    private final Trainer trainer;
    private final Device device;
    private final BatchProcessor batchProcessor;
    private final System.Logger logger;
    private final Long seed;
    private final PrintStream progressBar;
    private Integer maxEpoch;
    private Iterable<List<NDArray>> trainData;
    private Integer maxBatch;
    private boolean validates;

    static Estimator create(EstimatorBuilder b) {
        return new Estimator(b);
    }

    private Estimator(EstimatorBuilder b) {
        if (b.net == null || b.loss == null) {
            throw new KilnException("Estimator: net and loss are required, got net=" + b.net + ", loss=" + b.loss);
        }
        this.net = b.net;
        this.loss = b.loss;
        this.evalNet = b.evalNet != null ? b.evalNet : b.net;
        this.evalLoss = b.evalLoss != null ? b.evalLoss : b.loss;
        this.device = b.device != null ? b.device : Device.cpu();
        this.batchProcessor = b.batchProcessor != null ? b.batchProcessor : BatchProcessor.DEFAULT;
        this.logger = b.logger != null ? b.logger : System.getLogger(Estimator.class.getName());
        this.seed = b.seed;
        this.progressBar = b.progressBar;
        this.trainMetrics = withLoss(b.trainMetrics.isEmpty() ? suggestedMetrics(loss) : b.trainMetrics);
        this.valMetrics = withLoss(b.valMetrics.isEmpty() ? copies(b.trainMetrics.isEmpty()
                ? suggestedMetrics(loss) : b.trainMetrics) : b.valMetrics);
        if (seed != null) {
            Random.seed(seed);
        }
        initialize(b.initializer);
        this.trainer = b.trainer != null ? b.trainer : defaultTrainer();
    }

    /** Starts an estimator for {@code net} trained on {@code loss}; every other part has Gluon's default. */
    public static EstimatorBuilder builder(Block net, Block loss) {
        return new EstimatorBuilder(net, loss);
    }

    // ---- fit and evaluate ----------------------------------------------------------------------------------

    /** Trains for {@code epochs} epochs, validating on {@code valData} (may be null) after each. */
    public TrainingHistory fit(Iterable<List<NDArray>> trainData, Iterable<List<NDArray>> valData, int epochs) {
        return fit(trainData, valData, epochs, List.of());
    }

    /** Trains for {@code epochs} epochs with extra handlers; defaults fill in the kinds not given. */
    public TrainingHistory fit(Iterable<List<NDArray>> trainData, Iterable<List<NDArray>> valData, int epochs,
                               List<? extends EventHandler> handlers) {
        requirePositive("epochs", epochs);
        return run(trainData, valData, epochs, null, handlers);
    }

    /** Trains for {@code batches} batches in all (Gluon's {@code fit(..., batches=n)}), across epochs as needed. */
    public TrainingHistory fitBatches(Iterable<List<NDArray>> trainData, Iterable<List<NDArray>> valData,
                                      int batches, List<? extends EventHandler> handlers) {
        requirePositive("batches", batches);
        return run(trainData, valData, null, batches, handlers);
    }

    private TrainingHistory run(Iterable<List<NDArray>> trainData, Iterable<List<NDArray>> valData, Integer epochs,
                                Integer batches, List<? extends EventHandler> userHandlers) {
        if (trainData == null) {
            throw new KilnException("Estimator.fit: trainData is null");
        }
        this.maxEpoch = epochs;
        this.maxBatch = batches;
        this.trainData = trainData;
        if (seed != null) {
            Random.seed(seed);
        }
        List<EventHandler> all = DefaultHandlers.forFit(this, valData, userHandlers);
        this.validates = all.stream().anyMatch(ValidationHandler.class::isInstance);
        EventHandlers h = EventHandlers.categorize(all);
        h.trainBegin().forEach(x -> x.trainBegin(this));
        boolean stop = false;
        while (!stop) {
            h.epochBegin().forEach(x -> x.epochBegin(this));
            for (List<NDArray> batch : trainData) {
                h.batchBegin().forEach(x -> x.batchBegin(this, batch));
                BatchResult result = batchProcessor.fitBatch(this, batch);
                if (h.batchEnd(this, result)) {
                    break;
                }
            }
            stop = h.epochEnd(this);
        }
        h.trainEnd().forEach(x -> x.trainEnd(this));
        return all.stream().filter(HistoryHandler.class::isInstance).map(x -> ((HistoryHandler) x).history())
                .findFirst().orElseThrow();
    }

    /** Evaluates on {@code valData}: resets and updates the validation metrics and returns their values. */
    public List<MetricValue> evaluate(Iterable<List<NDArray>> valData) {
        return evaluate(valData, List.of());
    }

    /** Evaluates with extra handlers (epoch and batch points only); a metric handler is added unless given. */
    public List<MetricValue> evaluate(Iterable<List<NDArray>> valData, List<? extends EventHandler> userHandlers) {
        if (valData == null) {
            throw new KilnException("Estimator.evaluate: valData is null");
        }
        valMetrics.forEach(EvalMetric::reset);
        EventHandlers h = EventHandlers.categorize(DefaultHandlers.forEvaluate(this, userHandlers));
        h.epochBegin().forEach(x -> x.epochBegin(this));
        for (List<NDArray> batch : valData) {
            h.batchBegin().forEach(x -> x.batchBegin(this, batch));
            h.batchEnd(this, batchProcessor.evaluateBatch(this, batch));
        }
        h.epochEnd(this);
        return values(valMetrics, "validation ");
    }

    // ---- state handlers read and change --------------------------------------------------------------------

    public Block net() {
        return net;
    }

    public Block loss() {
        return loss;
    }

    /** The net used for validation (the training net unless another was given). */
    public Block evalNet() {
        return evalNet;
    }

    public Block evalLoss() {
        return evalLoss;
    }

    public Trainer trainer() {
        return trainer;
    }

    public Device device() {
        return device;
    }

    public System.Logger logger() {
        return logger;
    }

    /** The training metrics, the loss's running mean first; handlers update these. */
    public List<EvalMetric> trainMetrics() {
        return trainMetrics;
    }

    /** The validation metrics, the loss's running mean first; {@link #evaluate} updates these. */
    public List<EvalMetric> valMetrics() {
        return valMetrics;
    }

    /** The current training values, named {@code training <metric>}. */
    public List<MetricValue> trainValues() {
        return values(trainMetrics, "training ");
    }

    /** The current validation values, named {@code validation <metric>}. */
    public List<MetricValue> valValues() {
        return values(valMetrics, "validation ");
    }

    /**
     * The values worth reporting now: the training values, then the validation values when this run validates
     * (Gluon logs the validation metrics only when there is validation data).
     */
    public List<MetricValue> reportedValues() {
        List<MetricValue> out = new ArrayList<>(trainValues());
        if (validates) {
            out.addAll(valValues());
        }
        return List.copyOf(out);
    }

    /** Whether the run in progress has a validation handler. */
    public boolean validates() {
        return validates;
    }

    /** Epochs this run trains for, or null when it is limited by batches. */
    /** The training data of the running (or last) {@code fit}; null before the first. */
    public Iterable<List<NDArray>> trainData() {
        return trainData;
    }

    public Integer maxEpoch() {
        return maxEpoch;
    }

    /** Batches this run trains for, or null when it is limited by epochs. */
    public Integer maxBatch() {
        return maxBatch;
    }

    /** Changes the limits of the run in progress (a resumed checkpoint trains only what is left). */
    void setLimits(Integer epochs, Integer batches) {
        this.maxEpoch = epochs;
        this.maxBatch = batches;
    }

    PrintStream progressBarStream() {
        return progressBar;
    }

    /** Field {@code index} of a batch, moved to the estimator's device. */
    public NDArray onDevice(List<NDArray> batch, int index) {
        if (batch.size() <= index) {
            throw new KilnException("Estimator: a batch must hold [data, label], got " + batch.size() + " field(s)");
        }
        return batch.get(index).asInDevice(device);
    }

    // ---- set-up --------------------------------------------------------------------------------------------

    private static List<MetricValue> values(List<EvalMetric> metrics, String prefix) {
        List<MetricValue> out = new ArrayList<>();
        for (EvalMetric m : metrics) {
            for (MetricValue v : m.getNameValue()) {
                out.add(new MetricValue(prefix + v.name(), v.value()));
            }
        }
        return List.copyOf(out);
    }

    private static List<EvalMetric> withLoss(List<EvalMetric> metrics) {
        List<EvalMetric> out = new ArrayList<>();
        out.add(new LossMetric());
        out.addAll(metrics);
        return List.copyOf(out);
    }

    /** Gluon suggests accuracy for a softmax cross-entropy loss and nothing else for other losses. */
    private static List<EvalMetric> suggestedMetrics(Block loss) {
        return loss instanceof SoftmaxCrossEntropyLoss ? List.of(EvalMetric.create("acc")) : List.of();
    }

    /** Fresh validation metrics of the training metrics' kinds (Gluon deep-copies them). */
    private static List<EvalMetric> copies(List<EvalMetric> train) {
        List<EvalMetric> out = new ArrayList<>();
        for (EvalMetric m : train) {
            try {
                out.add(EvalMetric.create(m.name()));
            } catch (RuntimeException e) {
                throw new KilnException("Estimator: cannot make a validation copy of training metric '" + m.name()
                        + "' by name; pass valMetrics(...) explicitly", e);
            }
        }
        return out;
    }

    private void initialize(Initializer init) {
        boolean pending = net.collectParams().values().stream()
                .anyMatch(p -> !p.isInitialized() && !p.isDeferred());
        if (pending) {
            net.initialize(init != null ? init : new Uniform(), List.of(device), false, false);
        } else if (init != null) {
            logger.log(System.Logger.Level.WARNING, "Network already fully initialized, skipping initialization");
        }
    }

    private Trainer defaultTrainer() {
        logger.log(System.Logger.Level.WARNING, "No trainer specified, default SGD optimizer with learning rate "
                + "0.001 is used");
        return new Trainer(net.collectParams(), "sgd", Map.of("learning_rate", 0.001));
    }

    private static void requirePositive(String what, int n) {
        if (n <= 0) {
            throw new KilnException("Estimator.fit: " + what + " must be positive, got " + n);
        }
    }
}
