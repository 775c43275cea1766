package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.surface.ND;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Wraps an eager function or an op as a block (Gluon's {@code Lambda}): {@code new Lambda(x -> x.mul(2))},
 * {@code new Lambda("tanh")}, or {@link #ofAll} for several inputs and outputs. Runs eagerly only; use
 * {@link HybridLambda} inside hybrid containers. Its repr names the function as Gluon does: the op name, or
 * {@code <lambda>} for a Java lambda.
 */
public class Lambda extends Block {
    private final Function<List<NDArray>, List<NDArray>> body;
    private final String label;

    /** A block applying {@code fn} to its one input. */
    public Lambda(Function<NDArray, NDArray> fn) {
        this(fn, null);
    }

    /** As {@link #Lambda(Function)}, with a prefix ({@code null} for {@code lambda0_}). */
    public Lambda(Function<NDArray, NDArray> fn, String prefix) {
        this(prefix, single(Objects.requireNonNull(fn, "Lambda needs a function")), label(fn));
    }

    /** A block applying the op {@code op} (an MXNet op name or alias, e.g. {@code "tanh"}) to its inputs. */
    public Lambda(String op) {
        this(op, Map.of(), null);
    }

    /** As {@link #Lambda(String)} with the op's attributes by MXNet name ({@code "slope", 0.1}). */
    public Lambda(String op, Map<String, ?> attrs, String prefix) {
        this(prefix, ops(OpCall.of("Lambda", op, attrs)), op);
    }

    private Lambda(String prefix, Function<List<NDArray>, List<NDArray>> body, String label) {
        super(prefix, null, "lambda");
        this.body = body;
        this.label = label;
    }

    /** A block applying {@code fn} to all its inputs and returning all of {@code fn}'s outputs. */
    public static Lambda ofAll(Function<List<NDArray>, List<NDArray>> fn) {
        return ofAll(fn, null);
    }

    public static Lambda ofAll(Function<List<NDArray>, List<NDArray>> fn, String prefix) {
        return new Lambda(prefix, Objects.requireNonNull(fn, "Lambda needs a function"), label(fn));
    }

    @Override
    public List<NDArray> forward(List<NDArray> inputs) {
        return body.apply(inputs);
    }

    /** Gluon's repr: {@code Lambda(tanh)}, {@code Lambda(<lambda>)}. */
    @Override
    public String toString() {
        return "Lambda(" + label + ")";
    }

    private static Function<List<NDArray>, List<NDArray>> single(Function<NDArray, NDArray> fn) {
        return xs -> {
            if (xs.size() != 1) {
                throw new KilnException("Lambda(" + label(fn) + ") takes one input, got " + xs.size()
                        + "; make it with Lambda.ofAll for several");
            }
            return List.of(fn.apply(xs.get(0)));
        };
    }

    private static Function<List<NDArray>, List<NDArray>> ops(OpCall call) {
        return xs -> call.apply(ND.nd, xs);
    }

    /**
     * What a function is called in a repr, as Python's {@code __name__}: its own {@code toString} if it has one,
     * else its class's name, or {@code <lambda>} for a Java lambda or anonymous class.
     */
    static String label(Object fn) {
        Class<?> c = fn.getClass();
        try {
            if (c.getMethod("toString").getDeclaringClass() != Object.class) {
                return fn.toString();
            }
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
        return c.isSynthetic() || c.isHidden() || c.isAnonymousClass() ? "<lambda>" : c.getSimpleName();
    }
}
