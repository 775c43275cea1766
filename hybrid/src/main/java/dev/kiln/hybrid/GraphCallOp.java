package dev.kiln.hybrid;

import dev.kiln.compiler.CompiledGraph;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpContext;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tape's view of one compiled-graph call (MXNet's {@code _CachedOp} node): its inputs are the graph's arguments,
 * its outputs the graph's, and its gradient runs the compiled backward of that very call on the values its forward
 * kept. It runs only through {@link CachedGraph#call}.
 */
final class GraphCallOp extends OpDef {
    private final String owner;
    private final CompiledGraph.Execution run;
    private final boolean[] grads;
    private final int numOutputs;

    GraphCallOp(String owner, CompiledGraph.Execution run, boolean[] grads, int numOutputs) {
        super("_CachedOp", OpFamily.CUSTOM, names(grads.length), List.of());
        this.owner = owner;
        this.run = run;
        this.grads = grads;
        this.numOutputs = numOutputs;
    }

    private static List<String> names(int n) {
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add("arg" + i);
        }
        return names;
    }

    @Override
    public int numOutputs(Attrs attrs) {
        return numOutputs;
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        throw error("runs only as a hybridized block's call");
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        throw error("runs only as a hybridized block's call");
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
        NDArray[] computed = run.backward(heads);
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
