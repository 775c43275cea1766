package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.op.surface.F;

import java.util.List;
import java.util.Map;

/**
 * How {@link Parallel} and {@link SkipConnection} join their branches' outputs into one: written once, generic over
 * the backend like {@code hybridForward}, so it runs eagerly and traces. The built-ins are {@link #add()},
 * {@link #mul()} (both broadcasting, folded left to right) and {@link #concat(int)}; write your own as an anonymous
 * class (a Java lambda cannot be generic) and give it a {@code toString} for the container's repr.
 */
public interface Connection {

    /** Joins {@code outputs} (at least one) into a single value. */
    <T> T join(F<T> F, List<T> outputs);

    /** Elementwise sum with broadcasting ({@code broadcast_add}), Flux's {@code +}. */
    static Connection add() {
        return Builtin.ADD;
    }

    /** Elementwise product with broadcasting ({@code broadcast_mul}), e.g. a gate times its input. */
    static Connection mul() {
        return Builtin.MUL;
    }

    /** Concatenation along {@code axis} ({@code Concat}); {@code 1} is the channel axis of NCHW data. */
    static Connection concat(int axis) {
        return new Concat(axis);
    }

    /** The two folding connections; their names are what the containers' reprs show. */
    enum Builtin implements Connection {
        ADD("add"), MUL("mul");

        private final String label;

        Builtin(String label) {
            this.label = label;
        }

        @Override
        public <T> T join(F<T> F, List<T> outputs) {
            if (outputs.isEmpty()) {
                throw new KilnException("connection '" + label + "' needs at least one value to join");
            }
            T acc = outputs.get(0);
            for (int i = 1; i < outputs.size(); i++) {
                acc = this == ADD ? F.broadcastAdd(acc, outputs.get(i)) : F.broadcastMul(acc, outputs.get(i));
            }
            return acc;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** Concatenation along one axis. */
    record Concat(int axis) implements Connection {
        @Override
        public <T> T join(F<T> F, List<T> outputs) {
            return F.concat(outputs, Map.of("dim", axis));
        }

        @Override
        public String toString() {
            return "concat(axis=" + axis + ")";
        }
    }
}
