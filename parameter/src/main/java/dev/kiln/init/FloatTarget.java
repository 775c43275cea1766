package dev.kiln.init;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.random.Generator;
import dev.kiln.random.Random;

/**
 * Writing computed or sampled values into a floating-point parameter of any precision: values are made in float64
 * for a float64 target and in float32 otherwise, then cast into the target, so float16 and bfloat16 parameters get
 * the rounded float32 values the same seed gives a float32 parameter.
 */
final class FloatTarget {
    private FloatTarget() {
    }

    /** Fails unless {@code target} is floating point; {@code init} is the initialiser's name for the message. */
    static void requireFloating(String init, InitDesc desc, NDArray target) {
        if (!target.dtype().isFloating()) {
            throw new KilnException("initializer '" + init + "' cannot fill '" + desc.name() + "' of dtype "
                    + target.dtype() + " and shape " + target.shape() + ": it fills float16, bfloat16, float32 or"
                    + " float64 arrays; use zeros, ones or constant for integer parameters");
        }
    }

    /** The dtype values for {@code target} are made in. */
    static DType workType(NDArray target) {
        return target.dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
    }

    /** Fills {@code target} with values uniform on {@code [low, high)} drawn from {@code generator}. */
    static void uniform(Generator generator, double low, double high, NDArray target) {
        if (target.size() > 0) {
            Random.uniform(generator, low, high, target.shape(), workType(target), target.device()).copyTo(target);
        }
    }

    /** Fills {@code target} with normal values of mean {@code mean} and standard deviation {@code sigma}. */
    static void normal(Generator generator, double mean, double sigma, NDArray target) {
        if (target.size() > 0) {
            Random.normal(generator, mean, sigma, target.shape(), workType(target), target.device()).copyTo(target);
        }
    }

    /** Writes {@code values} (row-major, one per element) into {@code target}, cast to its dtype. */
    static void write(double[] values, NDArray target) {
        NDArray.wrap(target.shape(), DType.FLOAT64, target.device(), values).copyTo(target);
    }
}
