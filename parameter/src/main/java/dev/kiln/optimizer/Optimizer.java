package dev.kiln.optimizer;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.optimizer.schedule.LRScheduler;
import dev.kiln.parameter.Parameter;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The base of every optimizer, with MXNet 1.x's bookkeeping: a global learning rate (or a schedule), weight decay,
 * gradient rescaling and clipping, per-parameter learning-rate and weight-decay multipliers, and an update count per
 * parameter index from which the schedule and bias corrections read the step number.
 *
 * <p>A subclass declares its state ({@link #createState}) and its rule ({@link #step}); {@link #update} does the
 * counting first and hands the rule the index's learning rate and weight decay, in MXNet's order.
 *
 * <p>Optimizers are made by class ({@code SGD.builder().learningRate(0.1).momentum(0.9).build()}) or by name
 * ({@link #create}: {@code "sgd"}, {@code "adam"}, ..., case-insensitive), and users add their own with
 * {@link #register}. With {@code multi_precision}, a float16 weight is updated through a float32 master copy kept in
 * its state ({@link #createStateMultiPrecision}), as MXNet's {@code update_multi_precision}.
 */
public abstract class Optimizer {

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

    /** The registered name, as {@code create} takes it ({@code "sgd"}, {@code "adam"}). */
    public String name() {
        return name;
    }

    /** The state key of the float32 master copy of a float16 weight under {@code multi_precision}. */
    public static final String MASTER_WEIGHT = "weight32";

    /**
     * The optimizer called {@code name} (case-insensitive: {@code "sgd"}, {@code "Adam"}, ...), configured from
     * {@code options}: MXNet's keyword names ({@code learning_rate}, {@code momentum}) or their camelCase forms. An
     * unknown name or an option the optimizer does not take is an error listing the valid ones.
     */
    public static Optimizer create(String name, Map<String, ?> options) {
        return OptimizerRegistry.create(name, OptimizerOptions.of(options));
    }

    /** The optimizer called {@code name} with its defaults. */
    public static Optimizer create(String name) {
        return create(name, Map.of());
    }

    /**
     * Registers a user optimizer under {@code name} (compared case-insensitively), made from its options by
     * {@code factory}; {@link #create} then rejects options the factory did not read. Replacing a name is an error.
     */
    public static void register(String name, Function<OptimizerOptions, ? extends Optimizer> factory) {
        OptimizerRegistry.register(name, factory);
    }

    /** Every registered optimizer name, lower case and sorted. */
    public static Set<String> registeredNames() {
        return OptimizerRegistry.names();
    }

    /** Creates what this optimizer keeps for the parameter at {@code index}; called once per parameter. */
    public abstract OptimizerState createState(int index, NDArray weight);

    /**
     * The state to give {@link #update}, as MXNet's {@code create_state_multi_precision}: with
     * {@code multi_precision} and a float16 weight, a float32 master copy ({@link #MASTER_WEIGHT}) followed by the
     * state {@link #createState} makes for that copy; otherwise {@link #createState}'s. A Trainer calls this one.
     */
    public OptimizerState createStateMultiPrecision(int index, NDArray weight) {
        if (multiPrecision && weight.dtype() == DType.FLOAT16) {
            NDArray master = weight.astype(DType.FLOAT32);
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            arrays.put(MASTER_WEIGHT, master);
            arrays.putAll(createState(index, master).arrays());
            return new OptimizerState(arrays);
        }
        return createState(index, weight);
    }

    /**
     * Applies one update to {@code weight} in place from {@code grad}, after counting the update for
     * {@code index}. A state with a {@link #MASTER_WEIGHT} for a float16 weight updates the master copy from the
     * gradient cast to float32 and then casts the copy into the weight (MXNet's {@code update_multi_precision}).
     */
    public final void update(int index, NDArray weight, NDArray grad, OptimizerState state) {
        countUpdate(index);
        double lr = learningRate(index);
        double wd = weightDecay(index);
        NDArray master = state.arrays().get(MASTER_WEIGHT);
        if (master != null && weight.dtype() == DType.FLOAT16) {
            Map<String, NDArray> inner = new LinkedHashMap<>(state.arrays());
            inner.remove(MASTER_WEIGHT);
            step(index, master, grad.astype(DType.FLOAT32), new OptimizerState(inner), lr, wd);
            master.copyTo(weight);
        } else {
            step(index, weight, grad, state, lr, wd);
        }
    }

    /**
     * Optimizer-level values that change with updates and belong in a checkpoint beside the per-parameter states
     * (Nadam's {@code m_schedule}); empty for most optimizers. Restore them with {@link #restoreScalarState}.
     */
    public Map<String, Double> scalarState() {
        return Map.of();
    }

    /** Restores values {@link #scalarState} gave; a key this optimizer does not keep is an error. */
    public void restoreScalarState(Map<String, Double> values) {
        Set<String> known = scalarState().keySet();
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new KilnException("optimizer '" + name + "' keeps no scalar state '" + key + "' (it keeps "
                        + known + ")");
            }
        }
        values.forEach(this::setScalarState);
    }

    /** Sets one of the keys of {@link #scalarState}; optimizers that keep scalar state override it. */
    protected void setScalarState(String key, double value) {
        throw new KilnException("optimizer '" + name + "' keeps no scalar state '" + key + "'");
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

    /**
     * MXNet's encoding of {@link #clipGradient()} for the fused update ops: {@code -1} for none. A bound of 0 also
     * gives {@code -1}, as MXNet's optimizers pass {@code clip_gradient} to the ops only when it is truthy.
     */
    protected double clipGradientOrMinusOne() {
        return clipGradient == null || clipGradient == 0 ? -1.0 : clipGradient;
    }

    /**
     * The attributes every fused update op takes from this optimizer: {@code lr}, {@code wd}, {@code rescale_grad}
     * and {@code clip_gradient}; callers add their own.
     */
    protected Map<String, Object> updateAttrs(double lr, double wd) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("lr", lr);
        attrs.put("wd", wd);
        attrs.put("rescale_grad", rescaleGrad);
        attrs.put("clip_gradient", clipGradientOrMinusOne());
        return attrs;
    }

    /**
     * Runs fused update op {@code op} on {@code weight}, {@code grad} and {@code states} (updated in place by the
     * op) and writes the new weight into {@code weight}: on the device that holds {@code weight} when an accelerator
     * backend registered a {@link DeviceUpdates.Runner} for it, else on the host.
     */
    protected static void applyUpdate(String op, Map<String, ?> attrs, NDArray weight, NDArray grad,
                                      NDArray... states) {
        NDArray[] inputs = new NDArray[states.length + 2];
        inputs[0] = weight;
        inputs[1] = grad;
        System.arraycopy(states, 0, inputs, 2, states.length);
        if (!DeviceUpdates.tryRun(op, attrs, weight, inputs)) {
            dev.kiln.op.Ops.into(weight, op, attrs, inputs);
        }
    }

    /**
     * The momentum optimizers' dispatch (SGD, NAG, Signum): with a momentum array {@code mom} in the state, runs
     * {@code momentumOp} with {@code attrs} and {@code momentumAttrs}; without one (momentum 0), {@code plainOp} with
     * {@code attrs}.
     */
    protected static void applyMomentumUpdate(String momentumOp, Map<String, ?> momentumAttrs, String plainOp,
                                              Map<String, Object> attrs, NDArray weight, NDArray grad,
                                              OptimizerState state) {
        NDArray mom = state.arrays().get("mom");
        if (mom == null) {
            applyUpdate(plainOp, attrs, weight, grad);
        } else {
            Map<String, Object> all = new LinkedHashMap<>(attrs);
            all.putAll(momentumAttrs);
            applyUpdate(momentumOp, all, weight, grad, mom);
        }
    }

    /** The state arrays of {@code state} in order, for {@link #applyUpdate}. */
    protected static NDArray[] arrays(OptimizerState state) {
        List<NDArray> list = List.copyOf(state.arrays().values());
        return list.toArray(NDArray[]::new);
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
