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
        return c;
    }
}
