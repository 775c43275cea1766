package dev.kiln.hybrid;

import dev.kiln.autograd.TapeOnlyOp;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.Gradient;
import dev.kiln.op.OpContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tape's view of one compiled-graph call (MXNet's {@code _CachedOp} node): its inputs are the graph's arguments,
 * its outputs the graph's, and its gradient runs the compiled backward of that very call on the values its forward
 * kept. It runs only through {@link CachedGraph#call}.
 */
final class GraphCallOp extends TapeOnlyOp {
    private final String owner;
    private final CompiledGraph.Execution run;
    private final boolean[] grads;
    private final int numOutputs;

    GraphCallOp(String owner, CompiledGraph.Execution run, boolean[] grads, int numOutputs) {
        super("_CachedOp", grads.length, numOutputs, "arg", "a hybridized block's call");
        this.owner = owner;
        this.run = run;
        this.grads = grads;
        this.numOutputs = numOutputs;
    }

    /** The tape step is freed: the compiled run's kept buffers may serve the next call. */
    @Override
    protected void released() {
        run.release();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> List<T> gradient(Gradient<T> g) {
        if (OpContext.isRecording()) {
            throw error("of hybridized block '" + owner + "': higher-order gradients (createGraph) through a "
                    + "compiled graph are not supported; call hybridize(false) on the block to differentiate it "
                    + "eagerly");
        }
        NDArray[] heads = new NDArray[numOutputs];
        for (int k = 0; k < numOutputs; k++) {
            if (!(g.outGrad(k) instanceof NDArray a)) {
                throw error("of hybridized block '" + owner + "' cannot be part of a symbolic graph gradient; "
                        + "trace the block into the graph instead");
            }
            heads[k] = a;
        }
        // parameters' gradient buffers that autograd offers (grad_req write) take the gradients straight from the
        // compiled backward, without a gradient array per step and a copy
        List<NDArray> into = new ArrayList<>();
        for (int i = 0; i < grads.length; i++) {
            if (grads[i]) {
                into.add((NDArray) g.gradientBuffer(i));
            }
        }
        NDArray[] computed = run.backward(heads, into.toArray(new NDArray[0]));
        T[] out = (T[]) new Object[grads.length];
        int j = 0;
        for (int i = 0; i < grads.length; i++) {
            if (grads[i]) {
                out[i] = (T) computed[j++];
            }
        }
        return Arrays.asList(out);
    }
}
