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
        return c;
    }
}
