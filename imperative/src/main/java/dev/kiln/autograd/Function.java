package dev.kiln.autograd;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.Gradient;
import dev.kiln.op.OpContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A differentiable function with a hand-written gradient, as MXNet's {@code mx.autograd.Function}: a subclass
 * computes its outputs in {@link #forward} and the gradients of its inputs in {@link #backward}, keeping what
 * backward needs with {@link #saveForBackward}. {@link #apply} runs forward with recording paused and records one
 * step on the tape whose gradient is the subclass's backward, so the ops inside forward leave no history.
 *
 * <pre>{@code
 * class Sigmoid extends Function {
 *     protected List<NDArray> forward(NDArray... in) {
 *         NDArray y = Ops.call("sigmoid", in[0]);
 *         saveForBackward(y);
 *         return List.of(y);
 *     }
 *     protected List<NDArray> backward(NDArray... dy) {
 *         NDArray y = saved().get(0);
 *         return List.of(Ops.call("elemwise_mul", dy[0], Ops.call("elemwise_mul", y, Ops.call("_rminus_scalar",
 *                 Map.of("scalar", 1.0), y))));
 *     }
 * }
 * try (var rec = Autograd.record()) { z = new Sigmoid().call(x); }
 * }</pre>
 * Each instance is applied once (it holds that call's saved arrays). It works on NDArrays only: a graph
 * (symbolic) gradient cannot call it; write a {@code dev.kiln.op.custom.CustomOp} for that.
 */
public abstract class Function {
    private List<NDArray> saved = List.of();
    private boolean used;

    /** Computes the outputs from the inputs; runs with recording paused, in the caller's training mode. */
    protected abstract List<NDArray> forward(NDArray... inputs);

    /**
     * The gradient of each input (in order, shaped like it; {@code null} for none) from the gradient of each
     * output (zeros for outputs no gradient reached).
     */
    protected abstract List<NDArray> backward(NDArray... outputGrads);

    /** Keeps arrays for {@link #backward} (replacing any kept before). */
    protected final void saveForBackward(NDArray... arrays) {
        this.saved = List.copyOf(Arrays.asList(arrays));
    }

    /** The arrays given to {@link #saveForBackward}, in order. */
    protected final List<NDArray> saved() {
        return saved;
    }

    /** Runs forward on {@code inputs} and, while recording, puts it on the tape; returns all outputs. */
    public final List<NDArray> apply(NDArray... inputs) {
        if (used) {
            throw new KilnException("Function " + getClass().getSimpleName() + " was already applied; each instance "
                    + "is applied once (it holds that call's saved arrays), so create a new one per call");
        }
        used = true;
        List<NDArray> in = List.of(inputs);
        List<NDArray> out;
        boolean wasRecording = OpContext.setRecording(false);
        try {
            out = forward(inputs);
        } finally {
            OpContext.setRecording(wasRecording);
        }
        if (out == null || out.isEmpty() || out.stream().anyMatch(java.util.Objects::isNull)) {
            throw new KilnException("Function " + getClass().getSimpleName() + ": forward must return at least one "
                    + "output and no nulls, got " + out);
        }
        out = List.copyOf(out);
        if (!wasRecording) {
            return out;
        }
        FunctionOp op = new FunctionOp(this, in.size(), out.size());
        return Tape.record(op, op.defaultAttrs(), in, out);
    }

    /** Runs forward on {@code inputs} and returns its only output. */
    public final NDArray call(NDArray... inputs) {
        List<NDArray> out = apply(inputs);
        if (out.size() != 1) {
            throw new KilnException("Function " + getClass().getSimpleName() + " has " + out.size() + " outputs; use "
                    + "apply(...) to get all of them");
        }
        return out.get(0);
    }

    /** The tape's view of one application: its gradient is the function's backward, on NDArrays only. */
    private static final class FunctionOp extends TapeOnlyOp {
        private final Function function;
        private final int numOutputs;

        FunctionOp(Function function, int numInputs, int numOutputs) {
            super("Function(" + function.getClass().getSimpleName() + ")", numInputs, numOutputs, "data",
                    "Function.apply");
            this.function = function;
            this.numOutputs = numOutputs;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> List<T> gradient(Gradient<T> g) {
            NDArray[] outGrads = new NDArray[numOutputs];
            for (int i = 0; i < numOutputs; i++) {
                if (!(g.outGrad(i) instanceof NDArray a)) {
                    throw error("a Function's backward runs on NDArrays only and cannot be part of a symbolic graph "
                            + "gradient; write a custom operator (dev.kiln.op.custom.CustomOp) instead");
                }
                outGrads[i] = a;
            }
            List<NDArray> grads = function.backward(outGrads);
            if (grads == null || grads.size() != g.numInputs()) {
                throw error("backward returned " + (grads == null ? "null" : grads.size() + " gradients") + " for "
                        + g.numInputs() + " inputs");
            }
            return (List<T>) new ArrayList<>(grads);
        }
    }
}
