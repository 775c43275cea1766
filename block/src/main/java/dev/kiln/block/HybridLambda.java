package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.op.surface.F;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Wraps an op or a {@link HybridFunction} as a hybrid block (Gluon's {@code HybridLambda}): {@code new
 * HybridLambda("tanh")} applies the op by name on whichever backend runs (the name is checked when the block is
 * made), and a {@code HybridFunction} is written once for both backends; {@link #ofAll} takes several inputs and
 * gives several outputs. Its repr names the function as Gluon does: {@code HybridLambda(tanh)}.
 */
public class HybridLambda extends HybridBlock {
    private final HybridListFunction body;
    private final String label;

    /** A block applying the op {@code op} (an MXNet op name or alias) to its inputs. */
    public HybridLambda(String op) {
        this(op, Map.of(), null);
    }

    /** As {@link #HybridLambda(String)} with the op's attributes by MXNet name ({@code "slope", 0.1}). */
    public HybridLambda(String op, Map<String, ?> attrs, String prefix) {
        this(prefix, opBody(OpCall.of("HybridLambda", op, attrs)), op);
    }

    /** A block applying {@code fn} to its one input. */
    public HybridLambda(HybridFunction fn) {
        this(fn, null);
    }

    /** As {@link #HybridLambda(HybridFunction)}, with a prefix ({@code null} for {@code hybridlambda0_}). */
    public HybridLambda(HybridFunction fn, String prefix) {
        this(prefix, single(Objects.requireNonNull(fn, "HybridLambda needs a function")), Lambda.label(fn));
    }

    private HybridLambda(String prefix, HybridListFunction body, String label) {
        super(prefix, null, "hybridlambda");
        this.body = body;
        this.label = label;
    }

    /** A block applying {@code fn} to all its inputs and returning all of its outputs. */
    public static HybridLambda ofAll(HybridListFunction fn) {
        return ofAll(fn, null);
    }

    public static HybridLambda ofAll(HybridListFunction fn, String prefix) {
        return new HybridLambda(prefix, Objects.requireNonNull(fn, "HybridLambda needs a function"),
                Lambda.label(fn));
    }

    @Override
    protected <T> List<T> hybridForward(F<T> F, List<T> inputs, ParameterValues<T> p) {
        return body.apply(F, inputs);
    }

    /** Gluon's repr: {@code HybridLambda(tanh)}, {@code HybridLambda(<lambda>)}. */
    @Override
    public String toString() {
        return "HybridLambda(" + label + ")";
    }

    private static HybridListFunction opBody(OpCall call) {
        return new HybridListFunction() {
            @Override
            public <T> List<T> apply(F<T> F, List<T> inputs) {
                return call.apply(F, inputs);
            }
        };
    }

    private static HybridListFunction single(HybridFunction fn) {
        return new HybridListFunction() {
            @Override
            public <T> List<T> apply(F<T> F, List<T> inputs) {
                if (inputs.size() != 1) {
                    throw new KilnException("HybridLambda(" + Lambda.label(fn) + ") takes one input, got "
                            + inputs.size() + "; make it with HybridLambda.ofAll for several");
                }
                return List.of(fn.apply(F, inputs.get(0)));
            }
        };
    }
}
