package dev.kiln.bench.suite;

import dev.kiln.autograd.Autograd;
import dev.kiln.bench.GemmSquareBench;
import dev.kiln.block.HybridBlock;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.compiler.MemoryPlan;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.init.Xavier;
import dev.kiln.ndarray.NDArray;
import dev.kiln.random.Random;

import java.util.List;

/**
 * One model of the suite in Kiln: built, initialised (Xavier, seeded) and completed on its input, then run eagerly
 * or, after {@link #hybridize()}, as the graph compiled with static allocation and static shapes. A training pass
 * records the forward in train mode and back-propagates head gradients of ones (loss = sum of the outputs) into
 * every parameter's gradient.
 */
final class KilnModel {
    private final ModelCase row;
    private final HybridBlock block;
    private final NDArray input;

    KilnModel(ModelCase row, long seed) {
        this.row = row;
        Random.seed(seed);
        this.block = row.factory().get();
        block.initialize(new Xavier());
        this.input = randomInput(row, seed);
        run(); // completes deferred parameters
    }

    static NDArray randomInput(ModelCase row, long seed) {
        return NDArray.wrap(row.input(), GemmSquareBench.random(new java.util.Random(seed), row.input().size()));
    }

    HybridBlock block() {
        return block;
    }

    NDArray input() {
        return input;
    }

    /** One pass (forward, or forward and backward); returns copies of the outputs. */
    List<NDArray> run() {
        return List.of(step().copy());
    }

    /** One pass; returns the output as the block gave it (a reused buffer when hybridized with static alloc). */
    NDArray step() {
        NDArray out;
        if (row.training()) {
            try (var ignored = Autograd.record()) {
                out = block.forward(input);
            }
            Autograd.backward(List.of(out), null, false);
        } else {
            try (var ignored = Autograd.predictMode()) {
                out = block.forward(input);
            }
        }
        return out;
    }

    /** Switches to the compiled graph, as Gluon's {@code hybridize(static_alloc=True, static_shape=True)}. */
    void hybridize() {
        block.hybridize(HybridizeOptions.builder().staticAlloc(true).staticShape(true).build());
    }

    /**
     * The memory plan of the graph compiled for this row's pass (the forward-and-backward graph for a training
     * row); call after a hybridized pass.
     */
    MemoryPlan memoryPlan() {
        List<CompiledGraph> graphs = block.compiledGraphs();
        for (int i = graphs.size() - 1; i >= 0; i--) {
            if (graphs.get(i).request().needsGradients() == row.training()) {
                return graphs.get(i).memoryPlan();
            }
        }
        throw new IllegalStateException("no graph compiled for the " + row.pass() + " pass of " + row.model()
                + "; compiled: " + graphs.size());
    }
}
