package dev.kiln.op.shape;

import dev.kiln.testing.GradientCase;

import java.util.ArrayList;
import java.util.List;

/** Gradient checks of the shape ops, run by {@code dev.kiln.op.OpGradientTest}. */
public final class ShapeGradientCases {
    private ShapeGradientCases() {
    }

    public static List<GradientCase> cases() {
        GradientCase.Inputs r = new GradientCase.Inputs(4624);
        List<GradientCase> c = new ArrayList<>();
        identity(r, c);
        reshaping(r, c);
        permuting(r, c);
        joiningAndSplitting(r, c);
        slicing(r, c);
        repeating(r, c);
        padding(r, c);
        diagonal(r, c);
        return c;
    }

    private static void identity(GradientCase.Inputs r, List<GradientCase> c) {
        c.add(GradientCase.of("_copy", r.uniform(2, 3)));
        c.add(GradientCase.of("Cast", r.uniform(2, 3)).attr("dtype", "float64"));
        c.add(GradientCase.of("_cast_like", r.uniform(2, 3), r.uniform(4)).wrt(0));
    }

    private static void reshaping(GradientCase.Inputs r, List<GradientCase> c) {
        c.add(GradientCase.of("Reshape", r.uniform(2, 3, 4)).attr("shape", "(-1,)"));
        c.add(GradientCase.of("Reshape", r.uniform(2, 3, 4)).attr("shape", "(0, -1)"));
        c.add(GradientCase.of("Reshape", r.uniform(2, 3, 4)).attr("shape", "(-3, -2)"));
        c.add(GradientCase.of("Reshape", r.uniform(2, 6, 2)).attr("shape", "(0, -4, 2, -1, -2)"));
        c.add(GradientCase.of("Reshape", r.uniform(2, 3, 4)).attr("shape", "(-1, 0)").attr("reverse", true));
        c.add(GradientCase.of("Reshape", r.uniform(2, 3, 4)).attr("target_shape", "(0, 4)"));
        c.add(GradientCase.of("reshape_like", r.uniform(2, 6), r.uniform(3, 4)));
        c.add(GradientCase.of("reshape_like", r.uniform(2, 6), r.uniform(5, 2, 3, 7)).attr("lhs_begin", 1)
                .attr("lhs_end", 2).attr("rhs_begin", 1).attr("rhs_end", 3));
        c.add(GradientCase.of("reshape_like", r.uniform(2, 3, 4), r.uniform(6, 2, 6)).attr("lhs_begin", -2)
                .attr("rhs_begin", 1).attr("rhs_end", 3));
        c.add(GradientCase.of("Flatten", r.uniform(2, 3, 2)));
        c.add(GradientCase.of("expand_dims", r.uniform(2, 3)).attr("axis", 1));
        c.add(GradientCase.of("expand_dims", r.uniform(2, 3)).attr("axis", -1));
        c.add(GradientCase.of("squeeze", r.uniform(2, 1, 3, 1)));
        c.add(GradientCase.of("squeeze", r.uniform(1, 2, 1, 3)).attr("axis", "(0, -2)"));
        c.add(GradientCase.of("squeeze", r.uniform(1, 1)));
    }

    private static void permuting(GradientCase.Inputs r, List<GradientCase> c) {
        c.add(GradientCase.of("transpose", r.uniform(2, 3, 4)));
        c.add(GradientCase.of("transpose", r.uniform(2, 3, 4)).attr("axes", "(1, 2, 0)"));
        c.add(GradientCase.of("transpose", r.uniform(2, 3, 4, 2)).attr("axes", "(-1, 0, -2, 1)"));
        c.add(GradientCase.of("SwapAxis", r.uniform(2, 3, 4)).attr("dim1", 0).attr("dim2", 2));
        c.add(GradientCase.of("SwapAxis", r.uniform(2, 3, 4)).attr("dim1", -1).attr("dim2", 1));
        c.add(GradientCase.of("reverse", r.uniform(3, 4)).attr("axis", 0));
        c.add(GradientCase.of("reverse", r.uniform(2, 3, 4)).attr("axis", "(0, -1)"));
    }

    private static void joiningAndSplitting(GradientCase.Inputs r, List<GradientCase> c) {
        c.add(GradientCase.of("Concat", r.uniform(2, 1, 3), r.uniform(2, 3, 3), r.uniform(2, 2, 3))
                .attr("num_args", 3));
        c.add(GradientCase.of("Concat", r.uniform(2, 3), r.uniform(4, 3)).attr("num_args", 2).attr("dim", 0));
        c.add(GradientCase.of("Concat", r.uniform(2, 2), r.uniform(2, 3)).attr("num_args", 2).attr("dim", -1));
        c.add(GradientCase.of("Concat", r.uniform(3, 2)).attr("num_args", 1));
        c.add(GradientCase.of("stack", r.uniform(2, 3), r.uniform(2, 3), r.uniform(2, 3)).attr("num_args", 3));
        c.add(GradientCase.of("stack", r.uniform(2, 3), r.uniform(2, 3)).attr("num_args", 2).attr("axis", -1));
        c.add(GradientCase.of("stack", r.uniform(2, 3), r.uniform(2, 3)).attr("num_args", 2).attr("axis", 1));
        c.add(GradientCase.of("SliceChannel", r.uniform(2, 6)).attr("num_outputs", 3));
        c.add(GradientCase.of("SliceChannel", r.uniform(4, 3)).attr("num_outputs", 2).attr("axis", 0));
        c.add(GradientCase.of("SliceChannel", r.uniform(2, 3, 2)).attr("num_outputs", 3).attr("axis", -2)
                .attr("squeeze_axis", true));
        c.add(GradientCase.of("_split_v2", r.uniform(2, 6)).attr("indices", "(0, 1, 4)"));
        c.add(GradientCase.of("_split_v2", r.uniform(7, 2)).attr("indices", "()").attr("sections", 3)
                .attr("axis", 0));
        c.add(GradientCase.of("_split_v2", r.uniform(2, 3)).attr("indices", "(0, 1, 2)").attr("axis", -1)
                .attr("squeeze_axis", true));
    }

    private static void slicing(GradientCase.Inputs r, List<GradientCase> c) {
        c.add(GradientCase.of("slice", r.uniform(3, 4)).attr("begin", "(0, 1)").attr("end", "(2, 3)"));
        c.add(GradientCase.of("slice", r.uniform(3, 4, 2)).attr("begin", "(1,)").attr("end", "(None,)"));
        c.add(GradientCase.of("slice", r.uniform(4, 5)).attr("begin", "(None, -1)").attr("end", "(None, None)")
                .attr("step", "(2, -2)"));
        c.add(GradientCase.of("slice", r.uniform(4, 5)).attr("begin", "(3, 1)").attr("end", "(0, -1)")
                .attr("step", "(-1, None)"));
        c.add(GradientCase.of("slice_axis", r.uniform(3, 4)).attr("axis", 1).attr("begin", 1).attr("end", 3));
        c.add(GradientCase.of("slice_axis", r.uniform(3, 4, 2)).attr("axis", -2).attr("begin", -2)
                .attr("end", "None"));
        c.add(GradientCase.of("slice_like", r.uniform(4, 5), r.uniform(2, 3)));
        c.add(GradientCase.of("slice_like", r.uniform(4, 5, 2), r.uniform(3, 2)).attr("axes", "(1,)"));
        c.add(GradientCase.of("slice_like", r.uniform(4, 5), r.uniform(3, 2)).attr("axes", "(0, -1)"));
    }

    private static void repeating(GradientCase.Inputs r, List<GradientCase> c) {
        c.add(GradientCase.of("tile", r.uniform(2, 3)).attr("reps", "(2, 3)"));
        c.add(GradientCase.of("tile", r.uniform(3, 2)).attr("reps", "(2, 1, 2)"));
        c.add(GradientCase.of("tile", r.uniform(2, 3, 2)).attr("reps", "(2,)"));
        c.add(GradientCase.of("repeat", r.uniform(2, 3)).attr("repeats", 3));
        c.add(GradientCase.of("repeat", r.uniform(2, 3)).attr("repeats", 2).attr("axis", 1));
        c.add(GradientCase.of("repeat", r.uniform(2, 3, 2)).attr("repeats", 3).attr("axis", -3));
        c.add(GradientCase.of("broadcast_to", r.uniform(1, 3, 1)).attr("shape", "(2, 3, 4)"));
        c.add(GradientCase.of("broadcast_to", r.uniform(2, 1)).attr("shape", "(0, 3)"));
        c.add(GradientCase.of("broadcast_axis", r.uniform(2, 1, 3)).attr("axis", 1).attr("size", 4));
        c.add(GradientCase.of("broadcast_axis", r.uniform(1, 3, 1)).attr("axis", "(0, -1)").attr("size", "(2, 3)"));
        c.add(GradientCase.of("broadcast_like", r.uniform(1, 3), r.uniform(4, 3)));
        c.add(GradientCase.of("broadcast_like", r.uniform(2, 1, 1), r.uniform(3, 5)).attr("lhs_axes", "(1, 2)")
                .attr("rhs_axes", "(1, 0)"));
    }

    private static void padding(GradientCase.Inputs r, List<GradientCase> c) {
        c.add(GradientCase.of("Pad", r.uniform(1, 2, 3, 4)).attr("mode", "constant")
                .attr("pad_width", "(0, 0, 0, 0, 1, 2, 2, 1)").attr("constant_value", 0.5));
        c.add(GradientCase.of("Pad", r.uniform(1, 2, 3, 4)).attr("mode", "edge")
                .attr("pad_width", "(0, 0, 0, 0, 4, 1, 0, 3)"));
        c.add(GradientCase.of("Pad", r.uniform(1, 2, 3, 4)).attr("mode", "reflect")
                .attr("pad_width", "(0, 0, 0, 0, 2, 1, 3, 2)"));
        c.add(GradientCase.of("Pad", r.uniform(1, 1, 2, 3, 2)).attr("mode", "reflect")
                .attr("pad_width", "(0, 0, 0, 0, 1, 1, 2, 0, 0, 1)"));
        c.add(GradientCase.of("Pad", r.uniform(1, 1, 2, 3, 2)).attr("mode", "edge")
                .attr("pad_width", "(0, 0, 0, 0, 1, 0, 0, 2, 3, 1)"));
    }

    private static void diagonal(GradientCase.Inputs r, List<GradientCase> c) {
        c.add(GradientCase.of("diag", r.uniform(4)));
        c.add(GradientCase.of("diag", r.uniform(3)).attr("k", 2));
        c.add(GradientCase.of("diag", r.uniform(3)).attr("k", -1));
        c.add(GradientCase.of("diag", r.uniform(3, 4)));
        c.add(GradientCase.of("diag", r.uniform(3, 4)).attr("k", 1));
        c.add(GradientCase.of("diag", r.uniform(4, 3)).attr("k", -2));
        c.add(GradientCase.of("diag", r.uniform(2, 3, 4)).attr("k", 1).attr("axis1", 0).attr("axis2", 2));
        c.add(GradientCase.of("diag", r.uniform(3, 2, 4)).attr("k", -1).attr("axis1", -1).attr("axis2", 0));
    }
}
