package dev.kiln.optimizer;

import dev.kiln.ndarray.NDArray;

import java.util.Map;

import static dev.kiln.optimizer.StateMath.add;
import static dev.kiln.optimizer.StateMath.assign;
import static dev.kiln.optimizer.StateMath.div;
import static dev.kiln.optimizer.StateMath.divScalar;
import static dev.kiln.optimizer.StateMath.mul;
import static dev.kiln.optimizer.StateMath.plus;
import static dev.kiln.optimizer.StateMath.rescaled;
import static dev.kiln.optimizer.StateMath.scale;
import static dev.kiln.optimizer.StateMath.sqrt;
import static dev.kiln.optimizer.StateMath.sub;

/**
 * Nadam (Adam with Nesterov momentum), MXNet 1.x's {@code Nadam}, composed of the array ops its Python code runs.
 * The momentum schedule {@code m_schedule} is one number for the whole optimizer, multiplied by each update's
 * {@code momentum_t = beta1 * (1 - 0.5 * 0.96^(t * schedule_decay))} whichever parameter it updates, as in MXNet; it
 * is exposed through {@link #scalarState()} so a checkpoint keeps it. Options: {@code beta1} (0.9), {@code beta2}
 * (0.999), {@code epsilon} (1e-8), {@code schedule_decay} (0.004), and the common ones with {@code learning_rate}
 * 0.001.
 */
public final class Nadam extends Optimizer {
    private static final String M_SCHEDULE = "m_schedule";
    private final Moments moments;
    private final double scheduleDecay;
    private double mSchedule = 1.0;

    /** Nadam with MXNet's defaults. */
    public Nadam() {
        this(OptimizerOptions.of(Map.of()));
    }

    Nadam(OptimizerOptions options) {
        super("nadam", options, 0.001);
        this.moments = Moments.read(options, 1e-8);
        this.scheduleDecay = options.number("schedule_decay", 0.004);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The first and second moments ({@code mean}, {@code var}). */
    @Override
    public OptimizerState createState(int index, NDArray weight) {
        return States.moments(weight);
    }

    /** {@code m_schedule}: the product of every update's momentum so far. */
    @Override
    public Map<String, Double> scalarState() {
        return Map.of(M_SCHEDULE, mSchedule);
    }

    @Override
    protected void setScalarState(String key, double value) {
        mSchedule = value;
    }

    @Override
    protected void step(int index, NDArray weight, NDArray grad, OptimizerState state, double lr, double wd) {
        long t = updateCount(index);
        NDArray g = rescaled(grad, rescaleGrad(), weight, wd, clipGradient());
        double momentumT = moments.beta1() * (1 - 0.5 * Math.pow(0.96, t * scheduleDecay));
        double momentumNext = moments.beta1() * (1 - 0.5 * Math.pow(0.96, (t + 1) * scheduleDecay));
        mSchedule = mSchedule * momentumT;
        double mScheduleNext = mSchedule * momentumNext;
        NDArray m = state.get("mean");
        NDArray v = state.get("var");
        assign(m, add(scale(m, moments.beta1()), scale(g, 1 - moments.beta1())));
        assign(v, add(scale(v, moments.beta2()), mul(scale(g, 1 - moments.beta2()), g)));
        NDArray gradPrime = divScalar(g, 1 - mSchedule);
        NDArray mPrime = divScalar(m, 1 - mScheduleNext);
        NDArray vPrime = divScalar(v, 1 - Math.pow(moments.beta2(), t));
        NDArray mBar = add(scale(gradPrime, 1 - momentumT), scale(mPrime, momentumNext));
        assign(weight, sub(weight, div(scale(mBar, lr), plus(sqrt(vPrime), moments.epsilon()))));
    }

    /** Builds a {@link Nadam}. */
    public static final class Builder extends MomentsBuilder<Builder, Nadam> {
        Builder() {
            super(Nadam::new);
        }

        public Builder scheduleDecay(double decay) {
            return set("schedule_decay", decay);
        }
    }
}
