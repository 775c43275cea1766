package dev.kiln.autograd;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;

import java.util.ArrayList;
import java.util.List;

/**
 * An op that exists only as a step on the autograd tape: something computed its outputs already (a
 * {@link Function}'s forward, a compiled graph) and {@link Tape#record} puts them on the tape with this op, whose
 * {@code gradient} is all that runs later. It has no kernel and no inference; {@code runsOnlyThrough} names what
 * applies it, for the error if anything tries.
 */
public abstract class TapeOnlyOp extends OpDef {
    private final int numOutputs;
    private final String runsOnlyThrough;

    protected TapeOnlyOp(String name, int numInputs, int numOutputs, String inputPrefix, String runsOnlyThrough) {
        super(name, OpFamily.CUSTOM, names(inputPrefix, numInputs), List.of());
        this.numOutputs = numOutputs;
        this.runsOnlyThrough = runsOnlyThrough;
    }

    private static List<String> names(String prefix, int n) {
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(prefix + i);
        }
        return names;
    }

    @Override
    public final int numOutputs(Attrs attrs) {
        return numOutputs;
    }

    @Override
    public final List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        throw error("runs only through " + runsOnlyThrough);
    }

    @Override
    public final List<NDArray> compute(Invocation call) {
        throw error("runs only through " + runsOnlyThrough);
    }

    /**
     * Called once when backward frees the tape step of this op (no retained graph), after which its gradient never
     * runs again: the place to give back what was kept for it. Does nothing unless overridden.
     */
    protected void released() {
    }
}
