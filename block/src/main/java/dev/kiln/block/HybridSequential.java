package dev.kiln.block;

import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterDict;

import java.util.List;

/**
 * Runs its hybrid children one after another, each on the previous one's outputs, eagerly or traced (Gluon's
 * {@code nn.HybridSequential}).
 */
public class HybridSequential extends HybridBlock implements SequentialContainer {

    public HybridSequential() {
        super();
    }

    public HybridSequential(String prefix, ParameterDict params) {
        super(prefix, params);
    }

    /** Appends hybrid blocks, registered as {@code "0"}, {@code "1"}, ...; returns this container. */
    public HybridSequential add(HybridBlock... blocks) {
        for (HybridBlock b : blocks) {
            registerChild(b);
        }
        return this;
    }

    /** The child at {@code index}. */
    public HybridBlock get(int index) {
        return (HybridBlock) Containers.get(this, index);
    }

    /** A new container with the same prefix holding children {@code from} (inclusive) to {@code to} (exclusive). */
    public HybridSequential slice(int from, int to) {
        HybridSequential out = new HybridSequential(prefix(), null);
        try (var ignored = out.nameScope()) {
            for (Block b : Containers.slice(this, from, to)) {
                out.add((HybridBlock) b);
            }
        }
        return out;
    }

    public int size() {
        return children().size();
    }

    @Override
    protected <T> List<T> hybridForward(F<T> F, List<T> inputs, ParameterValues<T> p) {
        List<T> xs = inputs;
        for (Block b : children().values()) {
            xs = ((HybridBlock) b).callAll(F, xs);
        }
        return xs;
    }
}
