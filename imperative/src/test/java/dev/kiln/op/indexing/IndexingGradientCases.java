package dev.kiln.op.indexing;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.testing.GradientCase;

import java.util.ArrayList;
import java.util.List;

/**
 * Gradient checks of the indexing ops, run by {@code dev.kiln.op.OpGradientTest}. Index inputs repeat (the
 * scatter-adds must accumulate), leave their range under clip and wrap, and come as int and float dtypes; float
 * indices are excluded from the check with {@code wrt}. The {@code _backward_*} cases check the second-order rules.
 */
public final class IndexingGradientCases {
    private IndexingGradientCases() {
    }

    public static List<GradientCase> cases() {
        GradientCase.Inputs r = new GradientCase.Inputs(13415);
        List<GradientCase> c = new ArrayList<>();
        gathering(c, r);
        selecting(c, r);
        sequences(c, r);
        secondOrder(c, r);
        return c;
    }

    private static NDArray ints(DType t, Shape s, double... v) {
        return NDArray.of(s, t, v);
    }

    private static void gathering(List<GradientCase> c, GradientCase.Inputs r) {
        // Embedding: repeated rows, int32 and float indices (out-of-range ones clip, 2.7 truncates)
        c.add(GradientCase.of("Embedding", ints(DType.INT32, Shape.of(2, 3), 1, 3, 1, 0, 1, 3), r.uniform(4, 3))
                .attr("input_dim", 4).attr("output_dim", 3).wrt(1));
        c.add(GradientCase.of("Embedding", ints(DType.FLOAT64, Shape.of(5), -1, 7, 2.7, 2, 0), r.uniform(4, 2))
                .attr("input_dim", 4).attr("output_dim", 2).wrt(1));
        c.add(GradientCase.of("Embedding", ints(DType.INT64, Shape.of(2, 2), 0, 0, 0, 2), r.uniform(3, 2))
                .attr("input_dim", 3).attr("output_dim", 2));

        // take: clip (default) with repeats and out-of-range, wrap with float indices, raise in range, negative axis
        c.add(GradientCase.of("take", r.uniform(4, 3), ints(DType.INT32, Shape.of(2, 3), 0, 3, -2, 5, 1, 1)));
        c.add(GradientCase.of("take", r.uniform(2, 3, 2), ints(DType.FLOAT64, Shape.of(5), -1, 4, 2.5, 1, 7))
                .attr("axis", 1).attr("mode", "wrap").wrt(0));
        c.add(GradientCase.of("take", r.uniform(2, 3), ints(DType.INT64, Shape.of(4), 2, 0, 2, 2))
                .attr("axis", -1).attr("mode", "raise"));
        c.add(GradientCase.of("take", r.uniform(3, 2, 2), ints(DType.INT32, Shape.of(3), -4, 1, 3))
                .attr("axis", -2).attr("mode", "clip"));

        // pick: default axis -1 with clipped indices; keepdims with wrap and float indices; a middle axis
        c.add(GradientCase.of("pick", r.uniform(3, 4), ints(DType.INT32, Shape.of(3), -3, 9, 2)));
        c.add(GradientCase.of("pick", r.uniform(3, 4), ints(DType.FLOAT64, Shape.of(1, 4), -1, 5, 1.9, 3))
                .attr("axis", 0).attr("keepdims", true).attr("mode", "wrap").wrt(0));
        c.add(GradientCase.of("pick", r.uniform(2, 3, 2), ints(DType.INT64, Shape.of(2, 2), 0, 2, 1, 1))
                .attr("axis", 1));
        c.add(GradientCase.of("pick", r.uniform(2, 3, 2), ints(DType.INT32, Shape.of(2, 1, 2), 4, 2, -2, 1))
                .attr("axis", 1).attr("keepdims", true).attr("mode", "wrap"));

        // gather_nd: element tuples with repeats and negative indices; slices addressed by float tuples
        c.add(GradientCase.of("gather_nd", r.uniform(3, 4),
                ints(DType.INT32, Shape.of(2, 5), 0, 2, 0, -1, 1, 1, 3, 1, 3, 0)));
        c.add(GradientCase.of("gather_nd", r.uniform(3, 2, 2),
                ints(DType.FLOAT64, Shape.of(1, 4), 2, 0, 2, -3)).wrt(0));
        c.add(GradientCase.of("gather_nd", r.uniform(3, 2, 2),
                ints(DType.INT64, Shape.of(2, 2, 2), 0, 2, 0, 0, 1, 0, 1, 1)));

        // scatter_nd: distinct tuples (with repeats only the last write reaches the output, see ScatterNdOp)
        c.add(GradientCase.of("scatter_nd", r.uniform(4), ints(DType.INT32, Shape.of(2, 4), 0, 2, 1, 2, 1, 0, 2, 2))
                .attr("shape", new int[] {3, 3}));
        c.add(GradientCase.of("scatter_nd", r.uniform(2, 3), ints(DType.FLOAT64, Shape.of(1, 2), 3, 1))
                .attr("shape", new int[] {4, 3}).wrt(0));
    }

    private static void selecting(List<GradientCase> c, GradientCase.Inputs r) {
        // where: a full condition (float, excluded), and a row condition of int dtype
        c.add(GradientCase.of("where", ints(DType.FLOAT64, Shape.of(2, 3), 1, 0, 0.5, 0, -2, 1), r.uniform(2, 3),
                r.uniform(2, 3)).wrt(1, 2));
        c.add(GradientCase.of("where", ints(DType.INT32, Shape.of(3), 0, 4, 1), r.uniform(3, 2, 2),
                r.uniform(3, 2, 2)));

        // clip: values on both sides of the bounds, and crossed bounds (a_min > a_max: no gradient anywhere)
        c.add(GradientCase.of("clip", r.uniform(-2.0, 2.0, 3, 4)).attr("a_min", -0.5).attr("a_max", 0.7));
        c.add(GradientCase.of("clip", r.uniform(-2.0, 2.0, 2, 3)).attr("a_min", 0.5).attr("a_max", -0.5));
    }

    private static void sequences(List<GradientCase> c, GradientCase.Inputs r) {
        c.add(GradientCase.of("SequenceMask", r.uniform(3, 2, 2)));
        c.add(GradientCase.of("SequenceMask", r.uniform(3, 2, 2), ints(DType.INT32, Shape.of(2), 1, 3))
                .attr("use_sequence_length", true).attr("value", -1.0));
        c.add(GradientCase.of("SequenceMask", r.uniform(2, 4, 3), ints(DType.FLOAT64, Shape.of(2), 0, 2.5))
                .attr("use_sequence_length", true).attr("axis", 1).wrt(0));

        c.add(GradientCase.of("SequenceReverse", r.uniform(3, 2, 2)));
        c.add(GradientCase.of("SequenceReverse", r.uniform(4, 3, 2), ints(DType.INT32, Shape.of(3), 2, 4, 0))
                .attr("use_sequence_length", true));
        c.add(GradientCase.of("SequenceReverse", r.uniform(3, 2), ints(DType.FLOAT64, Shape.of(2), 3, 1))
                .attr("use_sequence_length", true).wrt(0));

        c.add(GradientCase.of("SequenceLast", r.uniform(3, 2, 2)));
        c.add(GradientCase.of("SequenceLast", r.uniform(2, 4, 3)).attr("axis", 1));
        c.add(GradientCase.of("SequenceLast", r.uniform(4, 3), ints(DType.INT32, Shape.of(3), 1, 4, 2))
                .attr("use_sequence_length", true));
        c.add(GradientCase.of("SequenceLast", r.uniform(2, 4, 2), ints(DType.FLOAT64, Shape.of(2), 4, 1))
                .attr("use_sequence_length", true).attr("axis", 1).wrt(0));
    }

    /** The scatter-add ops are linear in the output gradient; their rules gather again (createGraph). */
    private static void secondOrder(List<GradientCase> c, GradientCase.Inputs r) {
        c.add(GradientCase.of("_backward_take", r.uniform(2, 4), ints(DType.INT32, Shape.of(4), 0, 5, 0, -1),
                r.uniform(2, 3)).attr("axis", 1).attr("mode", "wrap").wrt(0));
        c.add(GradientCase.of("_backward_pick", r.uniform(3), ints(DType.INT32, Shape.of(3), 1, -1, 0),
                r.uniform(3, 2)).wrt(0));
        c.add(GradientCase.of("_backward_gather_nd", r.uniform(3), ints(DType.INT32, Shape.of(2, 3), 0, 0, 1, 1, 1, 0),
                r.uniform(2, 2)).wrt(0));
        c.add(GradientCase.of("_backward_Embedding", r.uniform(3, 2), ints(DType.INT32, Shape.of(3), 2, 2, 0))
                .attr("input_dim", 3).attr("output_dim", 2).wrt(0));
        c.add(GradientCase.of("_backward_SequenceLast", r.uniform(2, 2), r.uniform(3, 2, 2),
                ints(DType.INT32, Shape.of(2), 3, 1)).attr("use_sequence_length", true).wrt(0));
    }
}
