package dev.kiln.optimizer;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.optimizer.schedule.LRScheduler;
import dev.kiln.parameter.Parameter;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The base of every optimizer, with MXNet 1.x's bookkeeping: a global learning rate (or a schedule), weight decay,
 * gradient rescaling and clipping, per-parameter learning-rate and weight-decay multipliers, and an update count per
 * parameter index from which the schedule and bias corrections read the step number.
 *
 * <p>A subclass declares its state ({@link #createState}) and its rule ({@link #step}); {@link #update} does the
 * counting first and hands the rule the index's learning rate and weight decay, in MXNet's order.
 */
public abstract class Optimizer {
    private static final Map<String, Function<OptimizerOptions, Optimizer>> REGISTRY = new ConcurrentHashMap<>();

    private final String name;
    private double rescaleGrad;
    private double learningRate;
    private double wd;
    private Double clipGradient;
    private LRScheduler lrScheduler;
    private final long beginNumUpdate;
    private long numUpdate;
    private final boolean multiPrecision;
    private final Map<Integer, Long> indexUpdateCount = new HashMap<>();
    private Map<Integer, Parameter> parameters = Map.of();

    /**
     * Reads the options every optimizer takes: {@code rescale_grad} (1), {@code wd} (0), {@code clip_gradient}
     * (none), {@code learning_rate} ({@code defaultLearningRate}), {@code lr_scheduler} (none),
     * {@code begin_num_update} (0) and {@code multi_precision} (false).
     */
    protected Optimizer(String name, OptimizerOptions options, double defaultLearningRate) {
        this.name = name;
        this.rescaleGrad = options.number("rescale_grad", 1.0);
        this.learningRate = options.number("learning_rate", defaultLearningRate);
        this.wd = options.number("wd", 0.0);
        Double clip = options.optionalNumber("clip_gradient");
        this.clipGradient = clip == null || clip < 0 ? null : clip;
        Object scheduler = options.value("lr_scheduler");
        if (scheduler != null && !(scheduler instanceof LRScheduler)) {
            throw new KilnException("optimizer option 'lr_scheduler' must be an LRScheduler, got "
                    + scheduler.getClass().getSimpleName());
        }
        this.lrScheduler = (LRScheduler) scheduler;
        if (lrScheduler != null) {
            lrScheduler.setBaseLr(learningRate);
        }
        this.beginNumUpdate = (long) options.number("begin_num_update", 0);
        this.numUpdate = beginNumUpdate;
        this.multiPrecision = options.flag("multi_precision", false);
    }

    /**
     * Registers a factory under {@code name} (case-insensitive) for {@link #create}; the factory reads its options
     * from the {@link OptimizerOptions} it is given. A later registration of the same name replaces the earlier.
     */
    public static void register(String name, Function<OptimizerOptions, Optimizer> factory) {
        REGISTRY.put(name.toLowerCase(Locale.ROOT), factory);
    }

    /**
     * Creates the optimizer registered as {@code name} (MXNet's names, case-insensitive: {@code "sgd"},
     * {@code "adam"}) with Gluon-style keyword options; an unknown name or an option the optimizer does not take
     * is an error naming what it does know.
     */
    public static Optimizer create(String name, Map<String, ?> options) {
        Function<OptimizerOptions, Optimizer> factory = REGISTRY.get(name.toLowerCase(Locale.ROOT));
        if (factory == null) {
            throw new KilnException("unknown optimizer '" + name + "'; registered optimizers are "
                    + new TreeSet<>(REGISTRY.keySet()));
        }
        OptimizerOptions o = OptimizerOptions.of(options);
        Optimizer optimizer = factory.apply(o);
        o.requireAllRead(name);
        return optimizer;
    }

    /** The registered name, as {@code create} takes it ({@code "sgd"}, {@code "adam"}). */
    public String name() {
        return name;
    }

    /** Creates what this optimizer keeps for the parameter at {@code index}; called once per parameter. */
    public abstract OptimizerState createState(int index, NDArray weight);

    /**
     * Applies one update to {@code weight} in place from {@code grad}, after counting the update for
     * {@code index}.
     */
    public final void update(int index, NDArray weight, NDArray grad, OptimizerState state) {
        countUpdate(index);
        step(index, weight, grad, state, learningRate(index), weightDecay(index));
    }

    /**
     * The optimizer's rule: updates {@code weight} and {@code state} in place. {@code lr} and {@code wd} already
     * include the parameter's multipliers; {@link #updateCount(int)} is this index's step number.
     */
    protected abstract void step(int index, NDArray weight, NDArray grad, OptimizerState state, double lr, double wd);

    private void countUpdate(int index) {
        long count = indexUpdateCount.getOrDefault(index, beginNumUpdate) + 1;
        indexUpdateCount.put(index, count);
        numUpdate = Math.max(numUpdate, count);
    }

    /** How many updates the parameter at {@code index} has had, counting from {@code begin_num_update}. */
    public long updateCount(int index) {
        return indexUpdateCount.getOrDefault(index, beginNumUpdate);
    }

    /** The largest update count of any parameter: the step number the schedule reads. */
    public long numUpdate() {
        return numUpdate;
    }

    /** Every index's update count, for saving; restore with {@link #restoreUpdateCounts}. */
    public Map<Integer, Long> updateCounts() {
        return Map.copyOf(indexUpdateCount);
    }

    /** Replaces the update counts (from a saved state), and the step number with their maximum. */
    public void restoreUpdateCounts(Map<Integer, Long> counts, long numUpdate) {
        indexUpdateCount.clear();
        indexUpdateCount.putAll(counts);
        this.numUpdate = numUpdate;
    }

    /**
     * Optimizer-wide numbers that change as it trains and are not per-parameter arrays (Nadam's
     * {@code m_schedule}), for the state file; empty for most optimizers.
     */
    public Map<String, Double> scalarState() {
        return Map.of();
    }

    /** Restores what {@link #scalarState()} returned; an optimizer with no scalar state accepts only an empty map. */
    public void restoreScalarState(Map<String, Double> state) {
        if (!state.isEmpty()) {
            throw new KilnException("optimizer '" + name + "' keeps no scalar state, but was given " + state.keySet());
        }
    }

    /** The current learning rate: the schedule's at {@link #numUpdate()} when there is one. */
    public double learningRate() {
        return lrScheduler != null ? lrScheduler.learningRate(numUpdate) : learningRate;
    }

    /** Sets the learning rate; an error when a schedule owns it, as in MXNet. */
    public void setLearningRate(double lr) {
        if (lrScheduler != null) {
            throw new KilnException("optimizer '" + name + "' has a learning-rate schedule; set_learning_rate only "
                    + "changes the rate of an optimizer without one");
        }
        this.learningRate = lr;
    }

    /** The learning rate for the parameter at {@code index}: the current rate times its {@code lrMult}. */
    protected double learningRate(int index) {
        Parameter p = parameters.get(index);
        return learningRate() * (p == null ? 1.0 : p.lrMult());
    }

    /** The weight decay for the parameter at {@code index}: {@code wd} times its {@code wdMult}. */
    protected double weightDecay(int index) {
        Parameter p = parameters.get(index);
        return wd * (p == null ? 1.0 : p.wdMult());
    }

    /** Tells the optimizer which parameter each index is, so it reads their multipliers (Gluon's param_dict). */
    public void setParameters(Map<Integer, Parameter> parameters) {
        this.parameters = Map.copyOf(parameters);
    }

    public LRScheduler lrScheduler() {
        return lrScheduler;
    }

    public double rescaleGrad() {
        return rescaleGrad;
    }

    /** Sets the factor every gradient is multiplied by first; the Trainer sets {@code 1 / batchSize}. */
    public void setRescaleGrad(double rescaleGrad) {
        this.rescaleGrad = rescaleGrad;
    }

    public double wd() {
        return wd;
    }

    /** The gradient clipping bound, or null when gradients are not clipped. */
    public Double clipGradient() {
        return clipGradient;
    }

    /** MXNet's encoding of {@link #clipGradient()} for the fused update ops: {@code -1} for none. */
    protected double clipGradientOrMinusOne() {
        return clipGradient == null ? -1.0 : clipGradient;
    }

    public boolean multiPrecision() {
        return multiPrecision;
    }

    public long beginNumUpdate() {
        return beginNumUpdate;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(learning_rate=" + learningRate() + ", wd=" + wd + ")";
    }
}
