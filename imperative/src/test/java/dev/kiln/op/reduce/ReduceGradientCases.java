package dev.kiln.op.reduce;

import dev.kiln.ndarray.DType;
import dev.kiln.testing.GradientCase;

import java.util.ArrayList;
import java.util.List;

/** Gradient checks of the reduce ops, run by {@code dev.kiln.op.OpGradientTest}. */
public final class ReduceGradientCases {
    private ReduceGradientCases() {
    }

    /** Every reduction over axes with the axis variants that change where the gradient goes. */
    private static void axesReductions(List<GradientCase> c, GradientCase.Inputs r) {
        for (String op : List.of("sum", "mean", "nansum", "logsumexp")) {
            c.add(GradientCase.of(op, r.uniform(2, 3, 4)));
            c.add(GradientCase.of(op, r.uniform(2, 3, 4)).attr("axis", new int[] {1}));
            c.add(GradientCase.of(op, r.uniform(2, 3, 4)).attr("axis", new int[] {0, 2}).attr("keepdims", true));
            c.add(GradientCase.of(op, r.uniform(2, 3, 4)).attr("axis", new int[] {-1}).attr("exclude", true));
        }
        // products stay away from zero, where MXNet's out / x slope is not finite
        for (String op : List.of("prod", "nanprod")) {
            c.add(GradientCase.of(op, r.awayFromZero(0.5, 1.5, 2, 3, 4)).attr("axis", new int[] {1}));
            c.add(GradientCase.of(op, r.awayFromZero(0.5, 1.5, 2, 3)));
            c.add(GradientCase.of(op, r.awayFromZero(0.5, 1.5, 2, 3, 2)).attr("axis", new int[] {1})
                    .attr("exclude", true).attr("keepdims", true));
        }
        for (String op : List.of("max", "min")) {
            c.add(GradientCase.of(op, r.distinct(2, 3, 4)).attr("axis", new int[] {1}));
            c.add(GradientCase.of(op, r.distinct(3, 4)));
            c.add(GradientCase.of(op, r.distinct(2, 3, 4)).attr("axis", new int[] {0, 2}).attr("keepdims", true));
            c.add(GradientCase.of(op, r.distinct(2, 3, 4)).attr("axis", new int[] {0}).attr("exclude", true));
        }
    }

    private static void norms(List<GradientCase> c, GradientCase.Inputs r) {
        c.add(GradientCase.of("norm", r.uniform(3, 4)));
        c.add(GradientCase.of("norm", r.uniform(2, 3, 4)).attr("axis", new int[] {1}));
        c.add(GradientCase.of("norm", r.uniform(2, 3, 4)).attr("axis", new int[] {0, 2}).attr("keepdims", true));
        c.add(GradientCase.of("norm", r.awayFromZero(0.1, 1, 3, 4)).attr("ord", 1));
        c.add(GradientCase.of("norm", r.awayFromZero(0.1, 1, 2, 3, 4)).attr("ord", 1).attr("axis", new int[] {-1})
                .attr("keepdims", true));
    }

    /** Running sums, sorts and top-k selections (distinct values: ties have no slope). */
    private static void ordering(List<GradientCase> c, GradientCase.Inputs r) {
        c.add(GradientCase.of("_np_cumsum", r.uniform(2, 3, 4)).attr("axis", 1));
        c.add(GradientCase.of("_np_cumsum", r.uniform(2, 3, 4)).attr("axis", -1));
        c.add(GradientCase.of("_np_cumsum", r.uniform(2, 3)));
        c.add(GradientCase.of("sort", r.distinct(3, 4)));
        c.add(GradientCase.of("sort", r.distinct(3, 4)).attr("axis", 0).attr("is_ascend", false));
        c.add(GradientCase.of("sort", r.distinct(2, 3)).attr("axis", null));
        c.add(GradientCase.of("topk", r.distinct(3, 5)).attr("k", 2).attr("ret_typ", "value"));
        c.add(GradientCase.of("topk", r.distinct(4, 3)).attr("k", 2).attr("axis", 0).attr("ret_typ", "both")
                .attr("is_ascend", true));
        c.add(GradientCase.of("topk", r.distinct(2, 3)).attr("k", 3).attr("axis", null).attr("ret_typ", "value"));
        c.add(GradientCase.of("topk", r.distinct(3, 4)).attr("k", 2).attr("ret_typ", "indices"));
        c.add(GradientCase.of("topk", r.distinct(3, 4)).attr("k", 2).attr("ret_typ", "mask"));
    }

    public static List<GradientCase> cases() {
        GradientCase.Inputs r = new GradientCase.Inputs(25803);
        List<GradientCase> c = new ArrayList<>();
        c.add(GradientCase.of("_sum_like", r.uniform(2, 3, 4), r.uniform(3, 1)));
        c.add(GradientCase.of("_sum_like", r.uniform(2, 3), r.uniform(2, 3)));
        c.add(GradientCase.of("_broadcast_to_like", r.uniform(3, 1), r.uniform(2, 3, 4)));
        axesReductions(c, r);
        norms(c, r);
        ordering(c, r);
        c.add(GradientCase.of("_broadcast_reduced_like", r.uniform(3), r.uniform(2, 3, 4)).attr("axis", new int[] {0, 2}));
        c.add(GradientCase.of("_broadcast_reduced_like", r.uniform(1, 3, 1), r.uniform(2, 3, 4))
                .attr("axis", new int[] {1}).attr("exclude", true).attr("keepdims", true).attr("mean", true));
        c.add(GradientCase.of("_take_along_axis", r.uniform(3, 4), r.ints(0, 4, DType.INT64, 3, 2)).attr("axis", 1)
                .wrt(0));
        c.add(GradientCase.of("_scatter_along_axis", r.uniform(2, 4), r.ints(0, 3, DType.INT64, 2, 4),
                r.uniform(3, 4)).attr("axis", 0).wrt(0));
        c.add(GradientCase.of("_scatter_along_axis", r.uniform(5), r.ints(0, 6, DType.INT64, 5), r.uniform(2, 3))
                .wrt(0));
        return c;
    }
}
