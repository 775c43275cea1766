package dev.kiln.loss;

import dev.kiln.KilnException;
import dev.kiln.block.HybridBlock;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.LayerBuilder;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterDict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The base of Gluon's losses ({@code gluon.loss.Loss}): a {@link HybridBlock} without parameters whose output is
 * the loss of each sample. Most losses compute an element-wise loss, multiply it by the optional
 * {@code sampleWeight} (broadcast) and then by the scalar {@code weight} ({@code null} for none), and average it over
 * every axis but {@code batchAxis}. {@link #forward(NDArray, NDArray)} and its overloads check the input shapes and
 * call the block (hooks and hybridization apply), so one loss serves eager and hybridized training.
 */
public abstract class Loss extends HybridBlock {
    private final Double weight;
    private final int batchAxis;

    protected Loss(Double weight, int batchAxis, String prefix, ParameterDict params, String hint) {
        super(prefix, params, hint);
        this.weight = weight;
        this.batchAxis = batchAxis;
    }

    /** The global scalar weight, or {@code null} for none. */
    public Double weight() {
        return weight;
    }

    /** The axis that indexes the samples of the batch. */
    public int batchAxis() {
        return batchAxis;
    }

    /** The loss of each sample of {@code pred} against {@code label}. */
    public NDArray forward(NDArray pred, NDArray label) {
        return call(pred, label);
    }

    /** The loss of each sample, weighted element-wise by {@code sampleWeight} ({@code null} for none). */
    public NDArray forward(NDArray pred, NDArray label, NDArray sampleWeight) {
        return call(pred, label, sampleWeight);
    }

    /** Calls the block after checking the inputs' shapes; trailing absent inputs are dropped. */
    @Override
    public NDArray call(NDArray... inputs) {
        List<NDArray> in = new ArrayList<>(Arrays.asList(inputs));
        while (in.size() > 1 && in.get(in.size() - 1) == null) {
            in.remove(in.size() - 1);
        }
        List<NDArray> out = callAll(in);
        if (out.size() != 1) {
            throw new KilnException(name() + " returned " + out.size() + " outputs, expected one");
        }
        return out.get(0);
    }

    @Override
    public List<NDArray> callAll(List<NDArray> inputs) {
        checkInputs(inputs);
        return super.callAll(inputs);
    }

    /**
     * Checks the shapes of eager inputs before the call, so a mismatch is reported with the loss's name and the
     * shapes rather than by an op deep inside. By default: the label has as many elements as the prediction (it is
     * reshaped to it), and a sample weight broadcasts against the prediction.
     */
    protected void checkInputs(List<NDArray> inputs) {
        if (inputs.size() < 2 || inputs.get(0) == null || inputs.get(1) == null) {
            throw error("needs at least a prediction and a label, got " + describe(inputs));
        }
        requireSameSize(inputs.get(0), "pred", inputs.get(1), "label");
        if (inputs.size() > 2) {
            requireBroadcastable(inputs.get(2), "sample_weight", inputs.get(0).shape(), "pred");
        }
    }

    /** Fails unless {@code b} has as many elements as {@code a}. */
    protected final void requireSameSize(NDArray a, String aName, NDArray b, String bName) {
        if (a.shape().size() != b.shape().size()) {
            throw error("'" + bName + "' of shape " + b.shape() + " has " + b.shape().size() + " elements but '"
                    + aName + "' of shape " + a.shape() + " has " + a.shape().size()
                    + "; they must have the same number of elements");
        }
    }

    /** Fails unless {@code x} (if present) broadcasts against {@code target} as MXNet's {@code broadcast_*} ops do. */
    protected final void requireBroadcastable(NDArray x, String xName, Shape target, String targetName) {
        if (x == null) {
            return;
        }
        Shape s = x.shape();
        boolean ok = s.rank() == target.rank();
        for (int i = 0; ok && i < s.rank(); i++) {
            ok = s.get(i) == target.get(i) || s.get(i) == 1 || target.get(i) == 1;
        }
        if (!ok) {
            throw error("'" + xName + "' of shape " + s + " does not broadcast against '" + targetName + "' of shape "
                    + target + " (same rank, each dim equal or 1)");
        }
    }

    /** An error naming this loss. */
    protected final KilnException error(String message) {
        return new KilnException(getClass().getSimpleName() + " '" + name() + "': " + message);
    }

    private static String describe(List<NDArray> inputs) {
        List<String> s = new ArrayList<>();
        for (NDArray x : inputs) {
            s.add(x == null ? "absent" : x.shape().toString());
        }
        return s.toString();
    }

    /** Gluon's {@code _apply_weighting}: times {@code sampleWeight} (broadcast) if given, then times {@code w}. */
    protected static <T> T applyWeighting(F<T> F, T loss, Double w, T sampleWeight) {
        T out = sampleWeight == null ? loss : F.broadcastMul(loss, sampleWeight);
        return w == null ? out : F.mulScalar(out, w);
    }

    /** {@link #applyWeighting(F, Object, Double, Object)} with this loss's weight. */
    protected final <T> T applyWeighting(F<T> F, T loss, T sampleWeight) {
        return applyWeighting(F, loss, weight, sampleWeight);
    }

    /** The mean over every axis but the batch axis: one value per sample. */
    protected final <T> T batchMean(F<T> F, T loss) {
        return F.mean(loss, Map.of("axis", batchAxis, "exclude", true));
    }

    /** The sum over every axis but the batch axis. */
    protected final <T> T batchSum(F<T> F, T loss) {
        return F.sum(loss, Map.of("axis", batchAxis, "exclude", true));
    }

    /** Input {@code i} of {@code inputs}, or {@code null} when absent or beyond the list. */
    protected static <T> T optional(List<T> inputs, int i) {
        return i < inputs.size() ? inputs.get(i) : null;
    }

    /** Fails unless between {@code min} and {@code max} inputs were given (symbolic calls too). */
    protected final void requireInputs(List<?> inputs, int min, int max, String names) {
        if (inputs.size() < min || inputs.size() > max || inputs.get(0) == null || inputs.get(1) == null) {
            throw error("takes (" + names + "), got " + inputs.size() + " inputs");
        }
    }

    /** Python's repr of a float or {@code None}. */
    static String py(Double v) {
        if (v == null) {
            return "None";
        }
        return v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e16 ? String.format("%.1f", v)
                : Double.toString(v);
    }

    /** The class name Gluon's repr shows (an alias shows the class it aliases). */
    protected String reprName() {
        return getClass().getSimpleName();
    }

    /** Gluon's repr: {@code L2Loss(batch_axis=0, w=1.0)}. */
    @Override
    public String toString() {
        return reprName() + "(batch_axis=" + batchAxis + ", w=" + py(weight) + ")";
    }

    /**
     * Gluon's arguments every loss shares: {@code weight} ({@code null} for none) and {@code batchAxis} (default
     * 0), besides {@code prefix} and {@code params}.
     *
     * @param <B> the concrete builder
     * @param <L> the loss it builds
     */
    public abstract static class Builder<B extends Builder<B, L>, L extends Loss> extends LayerBuilder<B, L> {
        private Double weight;
        private int batchAxis;

        protected Builder(Double defaultWeight) {
            this.weight = defaultWeight;
        }

        /** The global scalar weight ({@code null} for none). */
        public B weight(Double w) {
            this.weight = w;
            return self();
        }

        /** The axis that indexes the samples (default 0). */
        public B batchAxis(int axis) {
            this.batchAxis = axis;
            return self();
        }

        public Double weight() {
            return weight;
        }

        public int batchAxis() {
            return batchAxis;
        }
    }
}
