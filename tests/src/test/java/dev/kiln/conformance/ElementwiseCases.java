package dev.kiln.conformance;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;

import static dev.kiln.conformance.CaseSpec.fixed;
import static dev.kiln.conformance.CaseSpec.random;

/** Case table entries for elementwise ops: unary math, binary (same-shape and broadcast) and scalar forms. */
final class ElementwiseCases {
    private static final DType F32 = DType.FLOAT32;
    private static final DType F64 = DType.FLOAT64;
    private static final DType F16 = DType.FLOAT16;

    private ElementwiseCases() {
    }

    /** A unary op whose inputs are drawn from {@code [lo, hi)}. */
    private record Unary(String op, double lo, double hi, boolean ints) {
    }

    private static final List<Unary> UNARY = List.of(
            new Unary("relu", -2, 2, true), new Unary("sigmoid", -4, 4, false), new Unary("tanh", -3, 3, false),
            new Unary("exp", -3, 3, false), new Unary("log", 0.1, 5, false), new Unary("log2", 0.1, 5, false),
            new Unary("log10", 0.1, 5, false), new Unary("log1p", -0.9, 3, false), new Unary("expm1", -2, 2, false),
            new Unary("sqrt", 0, 5, false), new Unary("rsqrt", 0.1, 5, false), new Unary("cbrt", -5, 5, false),
            new Unary("rcbrt", 0.1, 5, false), new Unary("square", -3, 3, true), new Unary("abs", -3, 3, true),
            new Unary("sign", -3, 3, true), new Unary("negative", -3, 3, true), new Unary("reciprocal", 0.2, 3, false),
            new Unary("floor", -3, 3, false), new Unary("ceil", -3, 3, false), new Unary("trunc", -3, 3, false),
            new Unary("fix", -3, 3, false), new Unary("sin", -4, 4, false), new Unary("cos", -4, 4, false),
            new Unary("tan", -1.2, 1.2, false), new Unary("arcsin", -0.99, 0.99, false),
            new Unary("arccos", -0.99, 0.99, false), new Unary("arctan", -5, 5, false),
            new Unary("sinh", -3, 3, false), new Unary("cosh", -3, 3, false), new Unary("arcsinh", -5, 5, false),
            new Unary("arccosh", 1.01, 5, false), new Unary("arctanh", -0.95, 0.95, false),
            // degrees and radians only in float32/float16: on float64 MXNet 1.9 scales by a float32 constant
            // (radians(199.08781890315413) = 3.474737913557651), Kiln by the exact double (3.4747379404742453)
            new Unary("degrees", -3, 3, false), new Unary("radians", -200, 200, false),
            new Unary("erf", -3, 3, false), new Unary("erfinv", -0.95, 0.95, false), new Unary("gamma", 0.2, 5, false),
            new Unary("gammaln", 0.2, 5, false), new Unary("softsign", -3, 3, false),
            new Unary("logical_not", -2, 2, true), new Unary("identity", -2, 2, true), new Unary("_copy", -2, 2, true),
            new Unary("BlockGrad", -2, 2, true), new Unary("stop_gradient", -2, 2, true),
            new Unary("zeros_like", -2, 2, true), new Unary("ones_like", -2, 2, true));

    static List<CaseSpec> unary() {
        List<CaseSpec> specs = new ArrayList<>();
        for (Unary u : UNARY) {
            specs.add(random(u.op, 6, r -> {
                DType t = u.ints ? r.pick(F32, F64, F16, DType.INT32, DType.INT8) : r.pick(F32, F32, F64, F16);
                if (t == F64 && (u.op.equals("degrees") || u.op.equals("radians"))) {
                    t = F32;
                }
                Shape s = r.shape();
                NDArray x = t.isIntegral() ? r.values(s, t) : r.array(s, t, u.lo, u.hi);
                return OpCase.of(u.op, x);
            }));
        }
        specs.add(random("round", 4, r -> OpCase.of("round", r.awayFromHalves(r.shape(), -3, 3))));
        specs.add(random("rint", 4, r -> OpCase.of("rint", r.awayFromHalves(r.shape(), -3, 3))));
        specs.add(fixed("round halves away from zero", OpCase.of("round", halves())));
        specs.add(fixed("rint halves to even", OpCase.of("rint", halves())));
        specs.add(fixed("floor ceil trunc fix at halves", OpCase.of("fix", halves())));
        specs.add(random("Activation", 8, r -> OpCase.of("Activation", r.array(r.shape(), r.pick(F32, F32, F64, F16),
                -3, 3))
                .attr("act_type", r.pick("relu", "sigmoid", "tanh", "softrelu", "softsign"))));
        specs.add(random("LeakyReLU", 8, r -> {
            String act = r.pick("leaky", "elu", "selu", "gelu");
            OpCase c = OpCase.of("LeakyReLU", r.floats(r.shape())).attr("act_type", act);
            return act.equals("leaky") || act.equals("elu") ? c.attr("slope", r.pick("0.25", "0.1", "1.5")) : c;
        }));
        // no rrelu case: in predict mode MXNet 1.9 leaves LeakyReLU's second output (the mask) uninitialised
        specs.add(random("LeakyReLU prelu", 3, r -> {
            Shape s = r.shape(2, 4, 1, 4);
            return OpCase.of("LeakyReLU", r.floats(s), r.array(Shape.of(s.get(1)), F32, 0, 0.5))
                    .attr("act_type", "prelu");
        }));
        specs.add(random("hard_sigmoid", 4, r -> OpCase.of("hard_sigmoid", r.array(r.shape(), F32, -4, 4))
                .attr("alpha", r.pick("0.2", "0.5")).attr("beta", r.pick("0.5", "0.3"))));
        specs.add(random("clip", 6, r -> {
            DType t = r.pick(F32, F64, DType.INT32);
            return OpCase.of("clip", r.values(r.shape(), t)).attr("a_min", r.pick("-1", "-0.5", "0"))
                    .attr("a_max", r.pick("1", "1.5", "3"));
        }));
        specs.add(random("Cast", 8, r -> {
            DType from = r.pick(F32, F64, F16, DType.INT32, DType.INT64, DType.UINT8, DType.BOOL);
            DType to = r.pick(F32, F64, F16, DType.INT32, DType.INT64, DType.INT8, DType.BOOL);
            NDArray x = from.isFloating() ? r.array(r.shape(), from, -5, 5) : r.values(r.shape(), from);
            return OpCase.of(r.pick("Cast", "cast"), x).attr("dtype", to.mxnetName());
        }));
        specs.add(random("Cast to and from bfloat16", 3, r -> OpCase.of("Cast", r.array(r.shape(), F32, -5, 5))
                .attr("dtype", "bfloat16")));
        specs.add(random("Cast to uint8", 3, r -> OpCase.of("Cast", r.array(r.shape(), F32, 0, 250))
                .attr("dtype", "uint8")));
        return specs;
    }

    private static NDArray halves() {
        return NDArray.of(Shape.of(10), -2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f, -0.49f, 0.51f, 3.5f, -3.5f);
    }

    private static final List<String> ARITH = List.of("add", "sub", "mul", "div", "mod", "power", "maximum",
            "minimum", "hypot");
    private static final List<String> COMPARE = List.of("equal", "not_equal", "greater", "greater_equal", "lesser",
            "lesser_equal", "logical_and", "logical_or", "logical_xor");

    static List<CaseSpec> binary() {
        List<CaseSpec> specs = new ArrayList<>();
        for (String f : concat(ARITH, COMPARE)) {
            specs.add(random("broadcast_" + f, 10, r -> {
                Shape[] pair = r.broadcastPair(r.shape());
                DType t = r.pick(F32, F32, F64, F16, DType.INT32, DType.INT64, DType.INT8, DType.UINT8);
                if (f.equals("hypot") && t.isIntegral()) {
                    t = F32;
                }
                return OpCase.of("broadcast_" + f, lhs(r, f, pair[0], t), rhs(r, f, pair[1], t));
            }));
        }
        for (String f : List.of("add", "sub", "mul", "div")) {
            specs.add(random("elemwise_" + f, 4, r -> {
                Shape s = r.shape();
                DType t = r.pick(F32, F64, F16, DType.INT32);
                return OpCase.of("elemwise_" + f, lhs(r, f, s, t), rhs(r, f, s, t));
            }));
        }
        specs.add(fixed("elemwise_add does not broadcast",
                OpCase.of("elemwise_add", NDArray.zeros(2, 3), NDArray.zeros(1, 3)).expectRejected()));
        specs.add(fixed("broadcast_add rejects incompatible shapes",
                OpCase.of("broadcast_add", NDArray.zeros(2, 3), NDArray.zeros(2, 4)).expectRejected()));
        String[][] aliases = {{"broadcast_plus", "add"}, {"broadcast_minus", "sub"}, {"_plus", "add"},
            {"_Plus", "add"}, {"_add", "add"}, {"_minus", "sub"}, {"_sub", "sub"}, {"_Minus", "sub"},
            {"_mul", "mul"}, {"_Mul", "mul"}, {"_div", "div"}, {"_Div", "div"}, {"_mod", "mod"},
            {"_power", "power"}, {"_Power", "power"}, {"_maximum", "maximum"}, {"_minimum", "minimum"},
            {"_hypot", "hypot"}, {"_equal", "equal"}, {"_not_equal", "not_equal"}, {"_greater", "greater"},
            {"_greater_equal", "greater_equal"}, {"_lesser", "lesser"}, {"_lesser_equal", "lesser_equal"},
            {"_logical_and", "logical_and"}, {"_logical_or", "logical_or"}, {"_logical_xor", "logical_xor"}};
        for (String[] a : aliases) {
            specs.add(random(a[0], 2, r -> {
                Shape s = r.shape();
                return OpCase.of(a[0], lhs(r, a[1], s, F32), rhs(r, a[1], s, F32));
            }));
        }
        specs.add(random("add_n", 4, r -> {
            Shape s = r.shape();
            int n = r.intIn(1, 4);
            List<NDArray> in = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                in.add(r.floats(s));
            }
            return OpCase.of(r.pick("add_n", "ElementWiseSum"), in).attr("num_args", n);
        }));
        specs.add(random("where", 4, r -> {
            Shape s = r.shape();
            DType t = r.pick(F32, F64, DType.INT32);
            return OpCase.of("where", r.array(s, t, 0, 1), r.values(s, t), r.values(s, t));
        }));
        specs.add(random("where with vector condition", 2, r -> {
            Shape s = r.shape(2, 3, 1, 4);
            return OpCase.of("where", r.array(Shape.of(s.get(0)), F32, 0, 1), r.floats(s), r.floats(s));
        }));
        specs.add(random("smooth_l1", 4, r -> OpCase.of("smooth_l1", r.array(r.shape(), F32, -3, 3))
                .attr("scalar", r.pick("1.0", "0.5", "2"))));
        return specs;
    }

    private static NDArray lhs(CaseRandom r, String f, Shape s, DType t) {
        if (f.equals("power")) {
            return t.isIntegral() ? r.array(s, t, 0, 4) : r.array(s, t, 0.1, 3);
        }
        return t.isFloating() ? r.array(s, t, -3, 3) : r.values(s, t);
    }

    private static NDArray rhs(CaseRandom r, String f, Shape s, DType t) {
        switch (f) {
            case "power" -> {
                return t.isIntegral() ? r.array(s, t, 0, 3) : r.array(s, t, -2, 2);
            }
            case "div", "mod" -> {
                NDArray x = t.isIntegral() ? r.array(s, t, 1, 5) : r.array(s, t, 0.5, 3);
                for (int i = 0; i < x.size(); i++) {
                    if (r.bool()) {
                        x.setDouble(i, -x.getDouble(i));
                    }
                }
                return x;
            }
            case "equal", "not_equal", "greater_equal", "lesser_equal" -> {
                // round values so that some compare equal
                return t.isFloating() ? r.array(s, DType.INT32, -2, 2).astype(t) : r.array(s, t, -2, 2);
            }
            default -> {
                return t.isFloating() ? r.array(s, t, -3, 3) : r.values(s, t);
            }
        }
    }

    private static final String[] SCALAR_OPS = {"_plus_scalar", "_minus_scalar", "_rminus_scalar", "_mul_scalar",
        "_div_scalar", "_rdiv_scalar", "_power_scalar", "_rpower_scalar", "_maximum_scalar", "_minimum_scalar",
        "_mod_scalar", "_rmod_scalar", "_hypot_scalar", "_equal_scalar", "_not_equal_scalar", "_greater_scalar",
        "_greater_equal_scalar", "_lesser_scalar", "_lesser_equal_scalar", "_logical_and_scalar",
        "_logical_or_scalar", "_logical_xor_scalar"};

    static List<CaseSpec> scalar() {
        List<CaseSpec> specs = new ArrayList<>();
        for (String op : SCALAR_OPS) {
            specs.add(random(op, 8, r -> {
                DType t = op.equals("_hypot_scalar") ? r.pick(F32, F64) : r.pick(F32, F32, F64, F16, DType.INT32);
                Shape s = r.shape();
                NDArray x;
                String scalar;
                if (op.contains("power")) {
                    x = t.isIntegral() ? r.array(s, t, 1, 3) : r.array(s, t, 0.2, 2.5);
                    scalar = t.isIntegral() ? r.pick("0", "1", "2", "3") : r.pick("2", "0.5", "-1.5", "3");
                } else if (op.startsWith("_rdiv") || op.startsWith("_rmod")) {
                    x = t.isIntegral() ? r.array(s, t, 1, 5) : r.array(s, t, 0.5, 3);
                    scalar = t.isIntegral() ? r.pick("7", "-3") : r.pick("2.5", "-1");
                } else {
                    x = t.isFloating() ? r.array(s, t, -3, 3) : r.values(s, t);
                    scalar = t.isIntegral() ? r.pick("2", "-3", "1") : r.pick("2", "-1.5", "0.75", "0");
                    if ((op.startsWith("_div") || op.startsWith("_mod")) && scalar.equals("0")) {
                        scalar = "-2";
                    }
                }
                return OpCase.of(op, x).attr("scalar", scalar);
            }));
        }
        specs.add(fixed("_plus_scalar on int32 truncates a fractional scalar", OpCase.of("_plus_scalar",
                NDArray.of(Shape.of(4), DType.INT32, -2, -1, 0, 5)).attr("scalar", "2.5")));
        specs.add(fixed("_mul_scalar on int32 with a fractional scalar", OpCase.of("_mul_scalar",
                NDArray.of(Shape.of(4), DType.INT32, -2, -1, 3, 5)).attr("scalar", "1.5")));
        specs.add(fixed("_div_scalar on int32", OpCase.of("_div_scalar",
                NDArray.of(Shape.of(5), DType.INT32, -7, -1, 0, 5, 9)).attr("scalar", "2")));
        specs.add(fixed("_mod_scalar with negative operands", OpCase.of("_mod_scalar",
                NDArray.of(Shape.of(6), -7, -1.5f, 0, 5, 9, -3)).attr("scalar", "-2")));
        String[][] aliases = {{"_PlusScalar", "_plus_scalar"}, {"_MinusScalar", "_minus_scalar"},
            {"_RMinusScalar", "_rminus_scalar"}, {"_MulScalar", "_mul_scalar"}, {"_DivScalar", "_div_scalar"},
            {"_RDivScalar", "_rdiv_scalar"}, {"_PowerScalar", "_power_scalar"}, {"_MaximumScalar", ""},
            {"_MinimumScalar", ""}, {"_EqualScalar", ""}, {"_GreaterScalar", ""}};
        for (String[] a : aliases) {
            specs.add(random(a[0], 1, r -> OpCase.of(a[0], r.array(r.shape(), F32, 0.5, 3)).attr("scalar", "1.5")));
        }
        return specs;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
