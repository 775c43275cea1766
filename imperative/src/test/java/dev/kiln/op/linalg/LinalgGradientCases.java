package dev.kiln.op.linalg;

import dev.kiln.testing.GradientCase;

import java.util.ArrayList;
import java.util.List;

/** Gradient checks of the linalg ops, run by {@code dev.kiln.op.OpGradientTest}. */
public final class LinalgGradientCases {
    private LinalgGradientCases() {
    }

    public static List<GradientCase> cases() {
        GradientCase.Inputs r = new GradientCase.Inputs(22689);
        List<GradientCase> c = new ArrayList<>();
        boolean[] flags = {false, true};
        for (boolean ta : flags) {
            for (boolean tb : flags) {
                c.add(GradientCase.of("dot", ta ? r.uniform(4, 3) : r.uniform(3, 4), tb ? r.uniform(5, 4)
                        : r.uniform(4, 5)).attr("transpose_a", ta).attr("transpose_b", tb));
                c.add(GradientCase.of("batch_dot", ta ? r.uniform(2, 4, 3) : r.uniform(2, 3, 4),
                        tb ? r.uniform(2, 5, 4) : r.uniform(2, 4, 5)).attr("transpose_a", ta).attr("transpose_b", tb));
                c.add(GradientCase.of("linalg_gemm2", ta ? r.uniform(2, 4, 3) : r.uniform(2, 3, 4),
                        tb ? r.uniform(2, 5, 4) : r.uniform(2, 4, 5)).attr("transpose_a", ta).attr("transpose_b", tb)
                        .attr("alpha", 0.7));
            }
        }
        // N-d dot reads its operands as matrices: (2*3, 4) x (4, 2*3), and with flags (2, 3*2)^T x (3*2, 2)^T
        c.add(GradientCase.of("dot", r.uniform(2, 3, 4), r.uniform(4, 2, 3)));
        c.add(GradientCase.of("dot", r.uniform(2, 3, 2), r.uniform(3, 2, 2)).attr("transpose_a", true)
                .attr("transpose_b", true));
        c.add(GradientCase.of("dot", r.uniform(4), r.uniform(4)));
        c.add(GradientCase.of("dot", r.uniform(4), r.uniform(4, 3)));
        c.add(GradientCase.of("dot", r.uniform(3, 4), r.uniform(4)));
        c.add(GradientCase.of("batch_dot", r.uniform(2, 2, 3, 2), r.uniform(2, 2, 2, 3)));
        // rows on axis 0: matrices (3, 4) stacked along the middle axis
        c.add(GradientCase.of("linalg_gemm2", r.uniform(3, 2, 4), r.uniform(4, 2, 3)).attr("axis", 0));
        c.add(GradientCase.of("matmul", r.uniform(3, 4), r.uniform(4, 2)));
        c.add(GradientCase.of("matmul", r.uniform(2, 1, 3, 4), r.uniform(3, 4, 2)));
        c.add(GradientCase.of("matmul", r.uniform(4), r.uniform(2, 4, 3)));
        c.add(GradientCase.of("matmul", r.uniform(2, 3, 4), r.uniform(4)));
        c.add(GradientCase.of("matmul", r.uniform(4), r.uniform(4)));
        c.add(GradientCase.of("FullyConnected", r.uniform(3, 2, 2), r.uniform(5, 4), r.uniform(5))
                .attr("num_hidden", 5));
        c.add(GradientCase.of("FullyConnected", r.uniform(3, 4), r.uniform(5, 4), r.uniform(5, 1))
                .attr("num_hidden", 5));
        c.add(GradientCase.of("FullyConnected", r.uniform(2, 3, 4), r.uniform(5, 4), r.uniform(5))
                .attr("num_hidden", 5).attr("flatten", false));
        c.add(GradientCase.of("FullyConnected", r.uniform(3, 2, 2), r.uniform(5, 4)).attr("num_hidden", 5)
                .attr("no_bias", true));
        c.add(GradientCase.of("FullyConnected", r.uniform(2, 3, 4), r.uniform(5, 4)).attr("num_hidden", 5)
                .attr("no_bias", true).attr("flatten", false));
        c.add(GradientCase.of("_dot_as_matrix", r.uniform(2, 3, 2, 3), r.uniform(2, 3, 4), r.uniform(4, 2, 3))
                .wrt(0));
        return c;
    }
}
