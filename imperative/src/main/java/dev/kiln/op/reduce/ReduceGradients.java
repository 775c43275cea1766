package dev.kiln.op.reduce;

import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.GradientRule;

import java.util.HashMap;
import java.util.Map;

/**
 * The gradient rules of the reductions over axes, as MXNet 1.x defines them. Each spreads the output gradient back
 * over the reduced axes with {@code _broadcast_reduced_like} (whose own gradient is the reduction again, so the rules
 * can be differentiated twice) and weights it per element: by one (sum), by the count (mean), by
 * {@code output / input} (prod, as MXNet's {@code rdiv}: not finite where an input is zero), by the indicator of
 * the extremum (max, min: every tied position gets the full gradient, MXNet's {@code eq}), or by the softmax
 * (logsumexp).
 */
final class ReduceGradients {
    private ReduceGradients() {
    }

    static final GradientRule SUM = g -> g.grads(spread(g, g.outGrad(0), g.input(0), false));

    static final GradientRule MEAN = g -> g.grads(spread(g, g.outGrad(0), g.input(0), true));

    /** {@code og * out / x}, MXNet's {@code _backward_prod}; an input of zero gives a non-finite gradient there. */
    static final GradientRule PROD = g -> {
        Object x = g.input(0);
        return g.grads(g.div(spread(g, g.mul(g.outGrad(0), g.output(0)), x, false), x));
    };

    /** NaN inputs were skipped, so they get no gradient (MXNet's {@code _backward_nansum}). */
    static final GradientRule NANSUM = g -> {
        Object x = g.input(0);
        return g.grads(g.mul(spread(g, g.outGrad(0), x, false), notNaN(g, x)));
    };

    /** {@code og * out / x} where x is a number, zero where it is NaN (MXNet's {@code nanprod_grad}). */
    static final GradientRule NANPROD = g -> {
        Object x = g.input(0);
        Object slope = g.div(spread(g, g.mul(g.outGrad(0), g.output(0)), x, false), x);
        return g.grads(g.apply("where", notNaN(g, x), slope, g.zerosLike(x)));
    };

    /** The gradient goes to every position equal to the result, ties included, undivided (MXNet's {@code eq}). */
    static final GradientRule EXTREMUM = g -> {
        Object x = g.input(0);
        Object hit = g.apply("broadcast_equal", x, spread(g, g.output(0), x, false));
        return g.grads(g.mul(spread(g, g.outGrad(0), x, false), hit));
    };

    /** {@code og * exp(x - out)}: the softmax of the reduced lanes. */
    static final GradientRule LOGSUMEXP = g -> {
        Object x = g.input(0);
        Object softmax = g.apply("exp", g.sub(x, spread(g, g.output(0), x, false)));
        return g.grads(g.mul(spread(g, g.outGrad(0), x, false), softmax));
    };

    /** 1 where {@code x} is a number, 0 where it is NaN (NaN is the one value not equal to itself). */
    private static <T> T notNaN(Gradient<T> g, T x) {
        return g.apply("broadcast_equal", x, x);
    }

    /**
     * {@code reduced} (shaped like this reduction's output) broadcast back over the reduced axes of {@code like},
     * divided by the number of reduced elements when {@code mean}.
     */
    static <T> T spread(Gradient<T> g, T reduced, T like, boolean mean) {
        return g.apply(BroadcastReducedLikeOp.NAME, spreadAttrs(g.attrs(), mean), reduced, like);
    }

    /** The axis, keepdims and exclude of a reduction's attributes, as {@code _broadcast_reduced_like} takes them. */
    static Map<String, Object> spreadAttrs(Attrs attrs, boolean mean) {
        Map<String, Object> values = attrs.values();
        Map<String, Object> out = new HashMap<>();
        out.put("axis", values.get("axis"));
        out.put("keepdims", values.get("keepdims"));
        out.put("exclude", values.getOrDefault("exclude", false));
        out.put("mean", mean);
        return out;
    }
}
