package dev.kiln.conformance;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;

import static dev.kiln.conformance.CaseSpec.fixed;
import static dev.kiln.conformance.CaseSpec.random;

/**
 * Case table entries for MXNet's edge-case behaviour across families: NaN and infinities, division and modulo by
 * zero, integer wrap-around, float16 rounding, and arrays large enough to take Kiln's multi-threaded paths.
 */
final class EdgeCases {
    private static final float NAN = Float.NaN;
    private static final float INF = Float.POSITIVE_INFINITY;

    private EdgeCases() {
    }

    /** NaN, both infinities, signed zeros and ordinary values. */
    private static NDArray special() {
        return NDArray.of(Shape.of(2, 5), NAN, INF, -INF, 0f, -0f, 1.5f, -2.5f, 0.5f, -1e-3f, 3f);
    }

    private static NDArray ints(DType t, double... v) {
        return NDArray.of(Shape.of(v.length), t, v);
    }

    static List<CaseSpec> specs() {
        List<CaseSpec> specs = new ArrayList<>();
        for (String op : List.of("relu", "sigmoid", "tanh", "abs", "sign", "square", "sqrt", "log", "exp", "floor",
                "ceil", "round", "rint", "trunc", "fix", "negative", "reciprocal", "softsign", "logical_not", "erf",
                "log1p", "expm1", "rsqrt", "cbrt", "arctan", "gamma", "gammaln")) {
            specs.add(fixed(op + " on NaN, infinities and signed zeros", OpCase.of(op, special())));
        }
        for (String op : List.of("_npi_isnan", "_npi_isinf", "_npi_isfinite")) {
            specs.add(fixed(op, OpCase.of(op, special())));
        }
        specs.add(fixed("clip passes NaN", OpCase.of("clip", special()).attr("a_min", "-1").attr("a_max", "1")));
        // no Activation(act_type=relu) on NaN: MXNet 1.9 (oneDNN) returns 0, Kiln NaN (plain relu gives NaN in both)
        specs.add(fixed("LeakyReLU on NaN", OpCase.of("LeakyReLU", special()).attr("act_type", "leaky")));
        for (String op : List.of("broadcast_maximum", "broadcast_minimum", "broadcast_add", "broadcast_mul",
                "broadcast_greater", "broadcast_equal", "broadcast_hypot", "broadcast_power")) {
            specs.add(fixed(op + " with NaN and infinities", OpCase.of(op, special(),
                    NDArray.of(Shape.of(1, 5), 1f, NAN, -INF, 0f, 2f))));
        }
        for (String op : List.of("max", "min", "sum", "prod", "mean", "argmax", "argmin", "norm")) {
            specs.add(fixed(op + " over NaN and infinities", OpCase.of(op, special()).attr("axis", 1)));
        }
        for (String op : List.of("softmax", "log_softmax")) {
            // no +inf logit: on row [inf, 0, 1] MXNet 1.9 gives softmax [nan, 0, 0] and log_softmax [nan, -inf, -inf],
            // Kiln gives nan for the whole row
            specs.add(fixed(op + " of infinite logits", OpCase.of(op, NDArray.of(Shape.of(2, 3), -INF, 0, 1,
                    -INF, -INF, 0))));
        }
        specs.add(fixed("float division by zero", OpCase.of("broadcast_div", NDArray.of(Shape.of(4), 1, -1, 0, 2),
                NDArray.of(Shape.of(4), 0, 0, 0, -0f))));
        specs.add(fixed("float modulo by zero", OpCase.of("broadcast_mod", NDArray.of(Shape.of(4), 1, -1, 0, 2.5f),
                NDArray.of(Shape.of(4), 0, 0, 0, -0f))));
        specs.add(fixed("_mod_scalar by zero", OpCase.of("_mod_scalar", NDArray.of(Shape.of(3), 1, -1.5f, 0))
                .attr("scalar", "0")));
        specs.add(fixed("_rdiv_scalar of zeros", OpCase.of("_rdiv_scalar", NDArray.of(Shape.of(3), 0, -0f, 2))
                .attr("scalar", "1")));
        specs.add(fixed("int32 modulo of negatives", OpCase.of("broadcast_mod", ints(DType.INT32, -7, 7, -7, 7, 0),
                ints(DType.INT32, 3, -3, -3, 3, 5))));
        specs.add(fixed("int32 division truncates", OpCase.of("broadcast_div", ints(DType.INT32, -7, 7, -7, 7, 0),
                ints(DType.INT32, 2, -2, -2, 2, 3))));
        specs.add(fixed("int32 power with zero and one", OpCase.of("broadcast_power", ints(DType.INT32, 0, 1, 2, 3, -2),
                ints(DType.INT32, 0, 5, 10, 3, 3))));
        specs.add(fixed("int32 power with negative exponents", OpCase.of("broadcast_power",
                ints(DType.INT32, 2, 1, -1, -2, 3), ints(DType.INT32, -1, -3, -1, -2, -1))));
        specs.add(fixed("int32 modulo by zero", OpCase.of("broadcast_mod", ints(DType.INT32, 5, -5, 0),
                ints(DType.INT32, 0, 0, 0))));
        specs.add(fixed("int32 _mod_scalar by zero", OpCase.of("_mod_scalar", ints(DType.INT32, 5, -5, 0))
                .attr("scalar", "0")));
        specs.add(fixed("power of a negative base to a fractional exponent", OpCase.of("_power_scalar",
                NDArray.of(Shape.of(3), -2, -0.5f, 4)).attr("scalar", "0.5")));
        specs.add(fixed("_rpower_scalar of a negative base", OpCase.of("_rpower_scalar",
                NDArray.of(Shape.of(4), 2, -1, 0.5f, 0)).attr("scalar", "-2")));
        specs.add(fixed("float16 round at halves", OpCase.of("round", NDArray.of(Shape.of(6), DType.FLOAT16,
                -2.5, -0.5, 0.5, 1.5, 2.5, 1000.5))));
        specs.add(fixed("float64 rint at halves", OpCase.of("rint", NDArray.of(Shape.of(6), DType.FLOAT64,
                -2.5, -0.5, 0.5, 1.5, 2.5, 4503599627370495.5))));
        specs.add(fixed("uint8 addition wraps", OpCase.of("broadcast_add", ints(DType.UINT8, 200, 255, 3),
                ints(DType.UINT8, 100, 1, 4))));
        specs.add(fixed("int8 multiplication wraps", OpCase.of("broadcast_mul", ints(DType.INT8, 100, -128, 7),
                ints(DType.INT8, 3, 2, -9))));
        specs.add(fixed("int32 addition wraps", OpCase.of("broadcast_add",
                ints(DType.INT32, Integer.MAX_VALUE, Integer.MIN_VALUE), ints(DType.INT32, 1, -1))));
        specs.add(fixed("int8 sum wraps", OpCase.of("sum", NDArray.of(Shape.of(2, 3), DType.INT8, 100, 100, 100,
                -100, -100, -100)).attr("axis", 1)));
        specs.add(fixed("uint8 negative wraps", OpCase.of("negative", ints(DType.UINT8, 0, 1, 200))));
        specs.add(fixed("int32 abs of the minimum", OpCase.of("abs", ints(DType.INT32, Integer.MIN_VALUE, -3))));
        specs.add(fixed("Cast float32 to float16 rounds to nearest even", OpCase.of("Cast", NDArray.of(Shape.of(6),
                1.0009765625f + 0.00048828125f, 1.0009765625f * 3 / 3 + 0.0004882812f, 65504f, 65520f, 1e-8f, -2.5e-8f))
                .attr("dtype", "float16")));
        specs.add(fixed("Cast float32 to int32 truncates", OpCase.of("Cast", NDArray.of(Shape.of(6), -2.7f, -0.5f,
                0.5f, 2.7f, 1e9f, -1e9f)).attr("dtype", "int32")));
        specs.add(fixed("Cast int64 to int32 wraps", OpCase.of("Cast", ints(DType.INT64, 1L << 33, (1L << 31) + 5, -1))
                .attr("dtype", "int32")));
        specs.add(fixed("Cast to bool", OpCase.of("Cast", NDArray.of(Shape.of(5), 0f, -0f, 0.1f, -3f, NAN))
                .attr("dtype", "bool")));
        specs.add(random("float16 elementwise", 6, r -> {
            Shape[] pair = r.broadcastPair(r.shape());
            return OpCase.of(r.pick("broadcast_add", "broadcast_mul", "broadcast_div", "broadcast_sub"),
                    r.array(pair[0], DType.FLOAT16, -3, 3), r.array(pair[1], DType.FLOAT16, 0.5, 3));
        }));
        specs.add(random("float16 unary", 6, r -> OpCase.of(r.pick("exp", "tanh", "sigmoid", "sqrt", "log"),
                r.array(r.shape(), DType.FLOAT16, 0.1, 3))));
        specs.addAll(negativeAxes());
        specs.addAll(attributeForms());
        specs.addAll(large());
        specs.addAll(empty());
        return specs;
    }

    private static NDArray zeros(int... dims) {
        return NDArray.zeros(Shape.of(dims), DType.FLOAT32, Device.cpu());
    }

    /** Zero-size arrays, compared with MXNet in NumPy shape mode (where a 0 dim means empty). */
    private static List<CaseSpec> empty() {
        List<CaseSpec> specs = new ArrayList<>();
        for (String op : List.of("relu", "exp", "abs", "negative", "sigmoid")) {
            specs.add(fixed(op + " of an empty array", OpCase.of(op, zeros(0, 3)).withEmptyDims()));
        }
        specs.add(fixed("_plus_scalar of an empty array", OpCase.of("_plus_scalar", zeros(2, 0)).attr("scalar", "1")
                .withEmptyDims()));
        specs.add(fixed("broadcast_add with an empty dim", OpCase.of("broadcast_add", zeros(0, 3), zeros(1, 3))
                .withEmptyDims()));
        specs.add(fixed("elemwise_mul of empty arrays", OpCase.of("elemwise_mul", zeros(2, 0), zeros(2, 0))
                .withEmptyDims()));
        specs.add(fixed("Cast of an empty array", OpCase.of("Cast", zeros(0, 2)).attr("dtype", "int32")
                .withEmptyDims()));
        // no reductions, dot or FullyConnected on empty arrays: MXNet 1.9 rejects sum/prod over (2, 0) or
        // (0, 3) ("Shape size mismatch"), fails FullyConnected on a (0, 4) batch, and crashes in dot (2, 0) x (0, 3)
        specs.add(fixed("Concat with an empty piece", OpCase.of("Concat", zeros(2, 0), NDArray.ones(2, 3))
                .attr("num_args", 2).attr("dim", 1).withEmptyDims()));
        specs.add(fixed("transpose of an empty array", OpCase.of("transpose", zeros(0, 3, 2)).withEmptyDims()));
        specs.add(fixed("expand_dims of an empty array", OpCase.of("expand_dims", zeros(0, 3)).attr("axis", 1)
                .withEmptyDims()));
        specs.add(fixed("take from an empty index", OpCase.of("take", NDArray.ones(4, 3), zeros(0))
                .withEmptyDims()));
        return specs;
    }

    /** MXNet's other spellings of attribute values, which Kiln's attribute parser must read the same way. */
    private static List<CaseSpec> attributeForms() {
        NDArray x = NDArray.of(Shape.of(2, 3), 1, -2, 3, 4, 5, -6);
        NDArray img = NDArray.of(Shape.of(1, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9);
        List<CaseSpec> specs = new ArrayList<>();
        specs.add(fixed("tuple without spaces", OpCase.of("sum", x).attr("axis", "(0,1)")));
        specs.add(fixed("tuple in brackets", OpCase.of("sum", x).attr("axis", "[1]")));
        specs.add(fixed("bare int for a tuple", OpCase.of("sum", x).attr("axis", "1")));
        specs.add(fixed("bool as 1", OpCase.of("sum", x).attr("axis", "1").attr("keepdims", "1")));
        specs.add(fixed("bool in lower case", OpCase.of("sum", x).attr("axis", "0").attr("keepdims", "true")));
        specs.add(fixed("float in exponent form", OpCase.of("_mul_scalar", x).attr("scalar", "1e-05")));
        specs.add(fixed("float with a trailing dot", OpCase.of("_plus_scalar", x).attr("scalar", "2.")));
        specs.add(fixed("kernel as a bare int", OpCase.of("Pooling", x.reshape(1, 2, 3)).attr("kernel", "2")
                .attr("pool_type", "max")));
        specs.add(fixed("kernel in brackets", OpCase.of("Pooling", img).attr("kernel", "[2, 2]")
                .attr("pool_type", "avg")));
        specs.add(fixed("dtype attribute as a numpy name", OpCase.of("Cast", x).attr("dtype", "int8")));
        specs.add(fixed("None for an optional axis", OpCase.of("sum", x).attr("axis", "None")));
        specs.add(fixed("unknown attribute", OpCase.of("sum", x).attr("axes", "1").expectRejected()));
        specs.add(fixed("unknown enum value", OpCase.of("Activation", x).attr("act_type", "swish").expectRejected()));
        return specs;
    }

    /** Negative axes where the random entries use non-negative ones. */
    private static List<CaseSpec> negativeAxes() {
        NDArray x = NDArray.of(Shape.of(2, 1, 3), 1, -2, 3, 4, 5, -6);
        List<CaseSpec> specs = new ArrayList<>();
        specs.add(fixed("sum over a tuple of negative axes", OpCase.of("sum", x).attr("axis", "(-1, -3)")));
        specs.add(fixed("norm over a negative axis tuple", OpCase.of("norm", x).attr("axis", "(-1,)")));
        specs.add(fixed("squeeze a negative axis", OpCase.of("squeeze", x).attr("axis", "(-2,)")));
        specs.add(fixed("SwapAxis with negative dims", OpCase.of("SwapAxis", x).attr("dim1", -1).attr("dim2", 0)));
        // no flip(axis=(-1,)) nor broadcast_axis(axis=(-2,)): MXNet 1.9 rejects negative axes there, Kiln accepts
        specs.add(fixed("moments over negative axes", OpCase.of("moments", x).attr("axes", "(-1,)")));
        specs.add(fixed("slice_like on negative axes", OpCase.of("slice_like", x, NDArray.zeros(1, 1, 2))
                .attr("axes", "(-1,)")));
        specs.add(fixed("softmax on a negative axis", OpCase.of("softmax", x).attr("axis", -3)));
        specs.add(fixed("LayerNorm on a negative axis", OpCase.of("LayerNorm", x, NDArray.ones(2), NDArray.zeros(2))
                .attr("axis", -3)));
        specs.add(fixed("stack on a negative axis", OpCase.of("stack", x, x).attr("num_args", 2).attr("axis", -1)));
        specs.add(fixed("one_hot of float indices", OpCase.of("one_hot", NDArray.of(Shape.of(3), 0.7f, 1.2f, -0.5f))
                .attr("depth", 3)));
        return specs;
    }

    /** Arrays big enough that Kiln splits the work across threads: results must not depend on the split. */
    private static List<CaseSpec> large() {
        List<CaseSpec> specs = new ArrayList<>();
        specs.add(random("large elementwise", 2, r -> OpCase.of(r.pick("exp", "tanh", "relu", "sigmoid"),
                r.floats(Shape.of(64, 1031)))));
        specs.add(random("large broadcast", 2, r -> OpCase.of(r.pick("broadcast_add", "broadcast_mul"),
                r.floats(Shape.of(97, 1, 513)), r.floats(Shape.of(1, 7, 513)))));
        specs.add(random("large sum", 2, r -> OpCase.of(r.pick("sum", "mean", "max"),
                r.array(Shape.of(123, 517), DType.FLOAT32, -1, 1)).attr("axis", r.pick(0, 1))));
        specs.add(random("large dot", 2, r -> OpCase.of("dot", r.array(Shape.of(67, 129), DType.FLOAT32, -1, 1),
                r.array(Shape.of(129, 71), DType.FLOAT32, -1, 1)).attr("transpose_b", false)));
        specs.add(random("large FullyConnected", 2, r -> OpCase.of("FullyConnected",
                r.array(Shape.of(33, 200), DType.FLOAT32, -1, 1), r.array(Shape.of(65, 200), DType.FLOAT32, -1, 1),
                r.array(Shape.of(65), DType.FLOAT32, -1, 1)).attr("num_hidden", 65)));
        specs.add(random("large Convolution", 2, r -> OpCase.of("Convolution",
                r.array(Shape.of(2, 8, 20, 20), DType.FLOAT32, -1, 1), r.array(Shape.of(16, 8, 3, 3), DType.FLOAT32,
                        -1, 1), r.array(Shape.of(16), DType.FLOAT32, -1, 1)).attr("kernel", "(3, 3)")
                .attr("num_filter", 16).attr("pad", "(1, 1)")));
        specs.add(random("large Pooling", 2, r -> OpCase.of("Pooling", r.floats(Shape.of(2, 16, 24, 24)))
                .attr("kernel", "(3, 3)").attr("stride", "(2, 2)").attr("pool_type", r.pick("max", "avg"))));
        specs.add(random("large softmax", 2, r -> OpCase.of("softmax", r.floats(Shape.of(64, 1000)))));
        specs.add(random("large transpose", 2, r -> OpCase.of("transpose", r.floats(Shape.of(31, 65, 33)))
                .attr("axes", "(2, 0, 1)")));
        specs.add(fixed("large take", OpCase.of("take", NDArray.zeros(Shape.of(500, 64), DType.FLOAT32, Device.cpu())
                .fill(1.5), NDArray.of(Shape.of(300), DType.INT32, new double[300]))));
        return specs;
    }
}
