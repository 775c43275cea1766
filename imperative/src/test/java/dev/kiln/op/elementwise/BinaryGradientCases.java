package dev.kiln.op.elementwise;

import dev.kiln.ndarray.NDArray;
import dev.kiln.testing.GradientCase;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Gradient checks of the binary ops, run by {@code dev.kiln.op.OpGradientTest}: every differentiable function through
 * its broadcasting op (the larger operand on either side, and both operands broadcast), its same-shape op and its
 * scalar ops (plain and reversed). Inputs keep away from the functions' kinks and poles: positive bases for power,
 * divisors away from zero, no ties for maximum and minimum (random values never tie).
 */
public final class BinaryGradientCases {
    private BinaryGradientCases() {
    }

    /** Operands of one function, given the shape; each function picks its domain. */
    private record Domain(String broadcasting, String sameShape, Operand lhs, Operand rhs) {
    }

    @FunctionalInterface
    private interface Operand {
        NDArray draw(GradientCase.Inputs r, int... dims);
    }

    private static final int[][][] BROADCAST_SHAPES = {
        {{2, 3, 4}, {3, 1}}, // rhs broadcast
        {{3, 1}, {2, 3, 4}}, // lhs broadcast
        {{1, 4}, {2, 1}},    // both broadcast
    };

    public static List<GradientCase> cases() {
        GradientCase.Inputs r = new GradientCase.Inputs(20567);
        Operand any = (in, dims) -> in.uniform(-1.0, 1.0, dims);
        Operand wide = (in, dims) -> in.uniform(-3.0, 3.0, dims);
        Operand nonZero = (in, dims) -> in.awayFromZero(0.5, 2, dims);
        Operand positive = (in, dims) -> in.uniform(0.5, 2, dims);
        List<Domain> domains = List.of(
                new Domain("broadcast_add", "elemwise_add", any, any),
                new Domain("broadcast_sub", "elemwise_sub", any, any),
                new Domain("broadcast_mul", "elemwise_mul", any, any),
                new Domain("broadcast_div", "elemwise_div", any, nonZero),
                new Domain("broadcast_mod", "_mod", wide, nonZero),
                new Domain("broadcast_power", "_power", positive, wide),
                new Domain("broadcast_maximum", "_maximum", any, any),
                new Domain("broadcast_minimum", "_minimum", any, any),
                new Domain("broadcast_hypot", "_hypot", any, any),
                // arctan2(y, x) jumps across y = 0 for x < 0: keep y away from zero.
                new Domain("arctan2", null, (in, dims) -> in.awayFromZero(0.2, 1, dims), any));
        List<GradientCase> c = new ArrayList<>();
        for (Domain f : domains) {
            for (int[][] shapes : BROADCAST_SHAPES) {
                c.add(GradientCase.of(f.broadcasting(), f.lhs().draw(r, shapes[0]), f.rhs().draw(r, shapes[1])));
            }
            if (f.sameShape() != null) {
                c.add(GradientCase.of(f.sameShape(), f.lhs().draw(r, 2, 3), f.rhs().draw(r, 2, 3)));
            }
        }
        IntFunction<NDArray> anyData = n -> r.uniform(-1.0, 1.0, 2, n);
        c.add(scalar("_plus_scalar", anyData.apply(3), 0.7));
        c.add(scalar("_minus_scalar", anyData.apply(3), 0.7));
        c.add(scalar("_rminus_scalar", anyData.apply(3), 0.7));
        c.add(scalar("_mul_scalar", anyData.apply(3), -1.5));
        c.add(scalar("_div_scalar", anyData.apply(3), -1.5));
        c.add(scalar("_rdiv_scalar", r.awayFromZero(0.5, 2, 2, 3), 1.5));
        c.add(scalar("_mod_scalar", r.uniform(-3.0, 3.0, 2, 3), 1.3));
        c.add(scalar("_mod_scalar", r.uniform(-3.0, 3.0, 2, 3), -0.7));
        c.add(scalar("_rmod_scalar", r.awayFromZero(0.5, 2, 2, 3), 2.3));
        c.add(scalar("_power_scalar", r.uniform(0.5, 2, 2, 3), 2.5));
        c.add(scalar("_power_scalar", anyData.apply(3), 3));
        c.add(scalar("_rpower_scalar", anyData.apply(3), 1.7));
        c.add(scalar("_maximum_scalar", anyData.apply(4), 0.1));
        c.add(scalar("_minimum_scalar", anyData.apply(4), 0.1));
        c.add(scalar("_hypot_scalar", anyData.apply(3), 0.5));
        return c;
    }

    private static GradientCase scalar(String op, NDArray data, double scalar) {
        return GradientCase.of(op, data).attr("scalar", scalar);
    }
}
