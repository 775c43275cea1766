package dev.kiln.op.nn;

import dev.kiln.testing.GradientCase;

import java.util.ArrayList;
import java.util.List;

/** Gradient checks of the nn ops, run by {@code dev.kiln.op.OpGradientTest}. */
public final class NNGradientCases {
    private NNGradientCases() {
    }

    public static List<GradientCase> cases() {
        GradientCase.Inputs r = new GradientCase.Inputs(818);
        List<GradientCase> c = new ArrayList<>();
        return c;
    }
}
