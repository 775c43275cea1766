package dev.kiln.optimizer;

import dev.kiln.ndarray.NDArray;
import dev.kiln.op.Ops;

import java.util.Map;

/**
 * The NDArray arithmetic the optimizers MXNet defines in Python (Adamax, Nadam, AdaGrad, AdaDelta) are written in:
 * each call is one Kiln op, so each intermediate is rounded to the array's dtype where MXNet's is.
 */
final class StateMath {
    private StateMath() {
    }

    static NDArray scale(NDArray a, double s) {
        return Ops.call("_mul_scalar", Map.of("scalar", s), a);
    }

    static NDArray divScalar(NDArray a, double s) {
        return Ops.call("_div_scalar", Map.of("scalar", s), a);
    }

    static NDArray plus(NDArray a, double s) {
        return Ops.call("_plus_scalar", Map.of("scalar", s), a);
    }

    static NDArray add(NDArray a, NDArray b) {
        return Ops.call("elemwise_add", a, b);
    }

    static NDArray sub(NDArray a, NDArray b) {
        return Ops.call("elemwise_sub", a, b);
    }

    static NDArray mul(NDArray a, NDArray b) {
        return Ops.call("elemwise_mul", a, b);
    }

    static NDArray div(NDArray a, NDArray b) {
        return Ops.call("elemwise_div", a, b);
    }

    static NDArray sqrt(NDArray a) {
        return Ops.call("sqrt", a);
    }

    static NDArray square(NDArray a) {
        return Ops.call("square", a);
    }

    /** The gradient times {@code rescale}, plus {@code wd * weight} when a weight is given, then clipped. */
    static NDArray rescaled(NDArray grad, double rescale, NDArray weight, double wd, Double clip) {
        NDArray g = scale(grad, rescale);
        if (weight != null) {
            g = add(g, scale(weight, wd));
        }
        return clip == null ? g : Ops.call("clip", Map.of("a_min", -clip, "a_max", clip), g);
    }

    /** {@code target[:] = value}. */
    static void assign(NDArray target, NDArray value) {
        value.copyTo(target);
    }
}
