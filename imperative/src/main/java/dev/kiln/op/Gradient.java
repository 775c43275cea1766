package dev.kiln.op;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What an op's gradient rule sees: the attributes, the recorded inputs and outputs, the gradients arriving at the
 * outputs, and a backend that applies other ops. Rules only combine values through this object, so the same rule
 * builds NDArrays in eager autograd and Symbols in the graph gradient.
 *
 * @param <T> the value type, {@code NDArray} or {@code Symbol}
 */
public final class Gradient<T> {
    private final OpBackend<T> backend;
    private final OpDef op;
    private final Attrs attrs;
    private final List<T> inputs;
    private final List<T> outputs;
    private final List<T> outGrads;
    private final boolean[] required;
    private final boolean training;
    private final List<T> gradientBuffers;

    /** A gradient whose rule gets no {@linkplain #gradientBuffer gradient buffers}. */
    public Gradient(OpBackend<T> backend, OpDef op, Attrs attrs, List<T> inputs, List<T> outputs, List<T> outGrads,
                    boolean[] required, boolean training) {
        this(backend, op, attrs, inputs, outputs, outGrads, required, training, null);
    }

    /**
     * @param outGrads one entry per output (hidden ones included); {@code null} where no gradient reached that
     *                 output, which {@link #outGrad} turns into zeros on demand
     * @param required per input, whether anything asked for its gradient; rules may skip the rest
     * @param training whether the forward call ran in training mode
     * @param gradientBuffers per input, the array {@link #gradientBuffer} offers, or {@code null} (the list or an
     *                        entry) for none
     */
    public Gradient(OpBackend<T> backend, OpDef op, Attrs attrs, List<T> inputs, List<T> outputs, List<T> outGrads,
                    boolean[] required, boolean training, List<T> gradientBuffers) {
        this.backend = backend;
        this.op = op;
        this.attrs = attrs;
        this.inputs = inputs;
        this.outputs = outputs;
        this.outGrads = new ArrayList<>(outGrads);
        this.required = required;
        this.training = training;
        this.gradientBuffers = gradientBuffers;
    }

    public OpDef op() {
        return op;
    }

    public Attrs attrs() {
        return attrs;
    }

    public <V> V attr(AttrSpec<V> spec) {
        return attrs.get(spec);
    }

    /** True if the forward call ran in training mode (Dropout dropped, BatchNorm used batch statistics). */
    public boolean training() {
        return training;
    }

    public int numInputs() {
        return inputs.size();
    }

    public T input(int i) {
        return inputs.get(i);
    }

    /** Output {@code i} of the forward call, hidden outputs (Dropout's mask) included. */
    public T output(int i) {
        return outputs.get(i);
    }

    /** The gradient arriving at output {@code i}, zeros if none did. */
    public T outGrad(int i) {
        T g = outGrads.get(i);
        if (g == null) {
            g = zerosLike(outputs.get(i));
            outGrads.set(i, g);
        }
        return g;
    }

    /** False if no gradient reached output {@code i} (its gradient is zero). */
    public boolean hasOutGrad(int i) {
        return outGrads.get(i) != null;
    }

    /** True if some caller needs the gradient of input {@code i}; a rule may return {@code null} for the others. */
    public boolean requiresGrad(int i) {
        return required == null || required[i];
    }

    /**
     * An array the rule may write input {@code i}'s whole gradient into and return instead of a new one (MXNet's
     * {@code kWriteTo} straight into a gradient buffer): eager autograd offers a variable's own gradient buffer under
     * grad_req write when nothing else adds to that gradient in the pass. {@code null} when none is offered; a rule
     * that ignores it stays correct, as its result is then copied in.
     */
    public T gradientBuffer(int i) {
        return gradientBuffers == null ? null : gradientBuffers.get(i);
    }

    /** Applies a one-output op. */
    @SafeVarargs
    public final T apply(String opName, Map<String, ?> opAttrs, T... in) {
        return backend.applyOne(opName, opAttrs, Arrays.asList(in));
    }

    /** Applies a one-output op with default attributes. */
    @SafeVarargs
    public final T apply(String opName, T... in) {
        return backend.applyOne(opName, Map.of(), Arrays.asList(in));
    }

    /** Applies an op and returns all its visible outputs. */
    @SafeVarargs
    public final List<T> applyAll(String opName, Map<String, ?> opAttrs, T... in) {
        return backend.apply(opName, opAttrs, Arrays.asList(in));
    }

    /** The backend rules apply ops with (to hand to helpers shared between rules). */
    public OpBackend<T> backend() {
        return backend;
    }

    public T add(T a, T b) {
        return apply("broadcast_add", a, b);
    }

    public T sub(T a, T b) {
        return apply("broadcast_sub", a, b);
    }

    public T mul(T a, T b) {
        return apply("broadcast_mul", a, b);
    }

    public T div(T a, T b) {
        return apply("broadcast_div", a, b);
    }

    public T negative(T a) {
        return apply("negative", a);
    }

    /** {@code a * s}. */
    public T mulScalar(T a, double s) {
        return apply("_mul_scalar", Map.of("scalar", s), a);
    }

    /** {@code a + s}. */
    public T plusScalar(T a, double s) {
        return apply("_plus_scalar", Map.of("scalar", s), a);
    }

    /** {@code s - a}. */
    public T rminusScalar(T a, double s) {
        return apply("_rminus_scalar", Map.of("scalar", s), a);
    }

    public T zerosLike(T a) {
        return apply("zeros_like", a);
    }

    public T onesLike(T a) {
        return apply("ones_like", a);
    }

    /**
     * {@code grad} summed over the axes along which {@code like} was broadcast, giving {@code like}'s shape: the
     * gradient of a broadcasting binary op with respect to one operand.
     */
    public T sumLike(T grad, T like) {
        return apply("_sum_like", grad, like);
    }

    /** The list a rule returns: one entry per input, {@code null} for inputs that get no gradient. */
    @SafeVarargs
    public final List<T> grads(T... perInput) {
        if (perInput.length != inputs.size()) {
            throw op.error("gradient rule returned " + perInput.length + " gradients for " + inputs.size() + " inputs");
        }
        return Arrays.asList(perInput);
    }
}
