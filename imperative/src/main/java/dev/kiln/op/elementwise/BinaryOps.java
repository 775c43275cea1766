package dev.kiln.op.elementwise;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.ArrayList;
import java.util.List;

/**
 * Kiln's binary elementwise ops with MXNet 1.x names. Each function ({@link Arithmetic}, {@link Logic}) has a
 * broadcasting op named as MXNet's {@code broadcast_*} (with Kiln's short name, e.g. {@code add}, as an alias), a
 * same-shape op named as MXNet's legacy op ({@code elemwise_add} with {@code _plus}, {@code _Plus}, ...), and scalar
 * ops ({@code _plus_scalar}); all share the function's one {@link BinaryMath}. Results keep the input dtype, so
 * comparisons of float32 arrays give float32 1/0, and the two inputs must have the same dtype.
 */
public final class BinaryOps implements OpLibrary {
    private static final List<OpDef> OPS = build();

    @Override
    public List<OpDef> ops() {
        return OPS;
    }

    private static List<OpDef> build() {
        List<OpDef> ops = new ArrayList<>();
        BinaryOp add = BinaryOp.broadcasting("broadcast_add", Arithmetic.ADD, "broadcast_plus", "add");
        BinaryOp sub = BinaryOp.broadcasting("broadcast_sub", Arithmetic.SUBTRACT, "broadcast_minus", "subtract");
        BinaryOp mul = BinaryOp.broadcasting("broadcast_mul", Arithmetic.MULTIPLY, "multiply");
        BinaryOp div = BinaryOp.broadcasting("broadcast_div", Arithmetic.DIVIDE, "divide");
        BinaryOp mod = BinaryOp.broadcasting("broadcast_mod", Arithmetic.MOD, "mod");
        BinaryOp pow = BinaryOp.broadcasting("broadcast_power", Arithmetic.POWER, "power");
        BinaryOp max = BinaryOp.broadcasting("broadcast_maximum", Arithmetic.MAXIMUM, "_npi_maximum", "maximum");
        BinaryOp min = BinaryOp.broadcasting("broadcast_minimum", Arithmetic.MINIMUM, "_npi_minimum", "minimum");
        BinaryOp hypot = BinaryOp.broadcasting("broadcast_hypot", Arithmetic.HYPOT, "hypot");
        BinaryOp eq = BinaryOp.broadcasting("broadcast_equal", Logic.EQUAL, "equal");
        BinaryOp ne = BinaryOp.broadcasting("broadcast_not_equal", Logic.NOT_EQUAL, "not_equal");
        BinaryOp gt = BinaryOp.broadcasting("broadcast_greater", Logic.GREATER, "greater");
        BinaryOp ge = BinaryOp.broadcasting("broadcast_greater_equal", Logic.GREATER_EQUAL, "greater_equal");
        BinaryOp lt = BinaryOp.broadcasting("broadcast_lesser", Logic.LESSER, "lesser");
        BinaryOp le = BinaryOp.broadcasting("broadcast_lesser_equal", Logic.LESSER_EQUAL, "lesser_equal");
        BinaryOp and = BinaryOp.broadcasting("broadcast_logical_and", Logic.LOGICAL_AND, "logical_and");
        BinaryOp or = BinaryOp.broadcasting("broadcast_logical_or", Logic.LOGICAL_OR, "logical_or");
        BinaryOp xor = BinaryOp.broadcasting("broadcast_logical_xor", Logic.LOGICAL_XOR, "logical_xor");
        ops.addAll(List.of(add, sub, mul, div, mod, pow, max, min, hypot, eq, ne, gt, ge, lt, le, and, or, xor));
        // MXNet has no legacy arctan2; Kiln's broadcasting op uses the NumPy name.
        ops.add(BinaryOp.broadcasting("arctan2", Arithmetic.ARCTAN2));

        ops.add(BinaryOp.sameShape("elemwise_add", add, "_add", "_plus", "_Plus", "_grad_add"));
        ops.add(BinaryOp.sameShape("elemwise_sub", sub, "_sub", "_minus", "_Minus"));
        ops.add(BinaryOp.sameShape("elemwise_mul", mul, "_mul", "_Mul"));
        ops.add(BinaryOp.sameShape("elemwise_div", div, "_div", "_Div"));
        ops.add(BinaryOp.sameShape("_mod", mod, "_Mod"));
        ops.add(BinaryOp.sameShape("_power", pow, "_Power"));
        ops.add(BinaryOp.sameShape("_maximum", max, "_Maximum"));
        ops.add(BinaryOp.sameShape("_minimum", min, "_Minimum"));
        ops.add(BinaryOp.sameShape("_hypot", hypot, "_Hypot"));
        ops.add(BinaryOp.sameShape("_equal", eq, "_Equal"));
        ops.add(BinaryOp.sameShape("_not_equal", ne, "_Not_Equal"));
        ops.add(BinaryOp.sameShape("_greater", gt, "_Greater"));
        ops.add(BinaryOp.sameShape("_greater_equal", ge, "_Greater_Equal"));
        ops.add(BinaryOp.sameShape("_lesser", lt, "_Lesser"));
        ops.add(BinaryOp.sameShape("_lesser_equal", le, "_Lesser_Equal"));
        ops.add(BinaryOp.sameShape("_logical_and", and, "_Logical_And"));
        ops.add(BinaryOp.sameShape("_logical_or", or, "_Logical_Or"));
        ops.add(BinaryOp.sameShape("_logical_xor", xor, "_Logical_Xor"));

        ops.add(ScalarBinaryOp.of("_plus_scalar", Arithmetic.ADD, "_PlusScalar"));
        ops.add(ScalarBinaryOp.of("_minus_scalar", Arithmetic.SUBTRACT, "_MinusScalar"));
        ops.add(ScalarBinaryOp.reversed("_rminus_scalar", Arithmetic.SUBTRACT, "_RMinusScalar"));
        ops.add(ScalarBinaryOp.of("_mul_scalar", Arithmetic.MULTIPLY, "_MulScalar"));
        ops.add(ScalarBinaryOp.of("_div_scalar", Arithmetic.DIVIDE, "_DivScalar"));
        ops.add(ScalarBinaryOp.reversed("_rdiv_scalar", Arithmetic.DIVIDE, "_RDivScalar"));
        ops.add(ScalarBinaryOp.of("_mod_scalar", Arithmetic.MOD, "_ModScalar"));
        ops.add(ScalarBinaryOp.reversed("_rmod_scalar", Arithmetic.MOD, "_RModScalar"));
        ops.add(ScalarBinaryOp.of("_power_scalar", Arithmetic.POWER, "_PowerScalar"));
        ops.add(ScalarBinaryOp.reversed("_rpower_scalar", Arithmetic.POWER, "_RPowerScalar"));
        ops.add(ScalarBinaryOp.of("_maximum_scalar", Arithmetic.MAXIMUM, "_MaximumScalar", "_npi_maximum_scalar"));
        ops.add(ScalarBinaryOp.of("_minimum_scalar", Arithmetic.MINIMUM, "_MinimumScalar", "_npi_minimum_scalar"));
        ops.add(ScalarBinaryOp.of("_hypot_scalar", Arithmetic.HYPOT, "_HypotScalar", "_npi_hypot_scalar"));
        ops.add(ScalarBinaryOp.of("_equal_scalar", Logic.EQUAL, "_EqualScalar"));
        ops.add(ScalarBinaryOp.of("_not_equal_scalar", Logic.NOT_EQUAL, "_NotEqualScalar"));
        ops.add(ScalarBinaryOp.of("_greater_scalar", Logic.GREATER, "_GreaterScalar"));
        ops.add(ScalarBinaryOp.of("_greater_equal_scalar", Logic.GREATER_EQUAL, "_GreaterEqualScalar"));
        ops.add(ScalarBinaryOp.of("_lesser_scalar", Logic.LESSER, "_LesserScalar"));
        ops.add(ScalarBinaryOp.of("_lesser_equal_scalar", Logic.LESSER_EQUAL, "_LesserEqualScalar"));
        ops.add(ScalarBinaryOp.of("_logical_and_scalar", Logic.LOGICAL_AND, "_LogicalAndScalar"));
        ops.add(ScalarBinaryOp.of("_logical_or_scalar", Logic.LOGICAL_OR, "_LogicalOrScalar"));
        ops.add(ScalarBinaryOp.of("_logical_xor_scalar", Logic.LOGICAL_XOR, "_LogicalXorScalar"));
        return List.copyOf(ops);
    }
}
