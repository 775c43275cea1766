package dev.kiln.block;

import dev.kiln.ndarray.NDArray;
import dev.kiln.parameter.ParameterDict;

import java.util.ArrayList;
import java.util.List;

/** Runs its children one after another, each on the previous one's outputs (Gluon's {@code nn.Sequential}). */
public class Sequential extends Block implements SequentialContainer {

    public Sequential() {
        super();
    }

    public Sequential(String prefix, ParameterDict params) {
        super(prefix, params);
    }

    /** Appends blocks, registered as {@code "0"}, {@code "1"}, ...; returns this container. */
    public Sequential add(Block... blocks) {
        for (Block b : blocks) {
            registerChild(b);
        }
        return this;
    }

    /** The child at {@code index}. */
    public Block get(int index) {
        return Containers.get(this, index);
    }

    /** A new container with the same prefix holding children {@code from} (inclusive) to {@code to} (exclusive). */
    public Sequential slice(int from, int to) {
        Sequential out = new Sequential(prefix(), null);
        try (var ignored = out.nameScope()) {
            out.add(Containers.slice(this, from, to).toArray(Block[]::new));
        }
        return out;
    }

    public int size() {
        return children().size();
    }

    @Override
    public List<NDArray> forward(List<NDArray> inputs) {
        List<NDArray> xs = new ArrayList<>(inputs);
        for (Block b : children().values()) {
            xs = b.callAll(xs);
        }
        return xs;
    }
}
