package dev.kiln.op.reduce;

import dev.kiln.testing.GradientCase;

import java.util.ArrayList;
import java.util.List;

/** Gradient checks of the reduce ops, run by {@code dev.kiln.op.OpGradientTest}. */
public final class ReduceGradientCases {
    private ReduceGradientCases() {
    }

    public static List<GradientCase> cases() {
        GradientCase.Inputs r = new GradientCase.Inputs(25803);
        List<GradientCase> c = new ArrayList<>();
        c.add(GradientCase.of("_sum_like", r.uniform(2, 3, 4), r.uniform(3, 1)));
        c.add(GradientCase.of("_sum_like", r.uniform(2, 3), r.uniform(2, 3)));
        c.add(GradientCase.of("_broadcast_to_like", r.uniform(3, 1), r.uniform(2, 3, 4)));
        return c;
    }
}
