package dev.kiln.block;

import dev.kiln.ndarray.NDArray;
import dev.kiln.op.surface.ND;
import dev.kiln.parameter.ParameterDict;

import java.util.List;

/**
 * Feeds the same inputs to every child, eagerly, and concatenates their outputs along {@code axis} (Gluon's
 * {@code Concatenate}, 1.x contrib {@code Concurrent}). Use {@link HybridConcatenate} when every child is hybrid.
 */
public class Concatenate extends Block implements SequentialContainer {
    private final int axis;

    /** Concatenates on the last axis, Gluon's default. */
    public Concatenate() {
        this(-1);
    }

    public Concatenate(int axis) {
        this(axis, null, null);
    }

    public Concatenate(int axis, String prefix, ParameterDict params) {
        super(prefix, params);
        this.axis = axis;
    }

    /** Appends blocks, registered as {@code "0"}, {@code "1"}, ...; returns this container. */
    public Concatenate add(Block... blocks) {
        for (Block b : blocks) {
            registerChild(b);
        }
        return this;
    }

    /** The child at {@code index} (negative counts from the end). */
    public Block get(int index) {
        return Containers.get(this, index);
    }

    public int size() {
        return children().size();
    }

    /** The axis the outputs are concatenated on. */
    public int axis() {
        return axis;
    }

    @Override
    public List<NDArray> forward(List<NDArray> inputs) {
        List<NDArray> outs = Branches.call(this, Branches.same(inputs, size()), Block::callAll);
        return List.of(Branches.join(Connection.concat(axis), ND.nd, outs, Branches.labels(this)));
    }
}
