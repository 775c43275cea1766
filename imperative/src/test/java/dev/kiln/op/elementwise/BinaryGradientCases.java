package dev.kiln.op.elementwise;

import dev.kiln.testing.GradientCase;

import java.util.ArrayList;
import java.util.List;

/** Gradient checks of the binary ops, run by {@code dev.kiln.op.OpGradientTest}. */
public final class BinaryGradientCases {
    private BinaryGradientCases() {
    }

    public static List<GradientCase> cases() {
        GradientCase.Inputs r = new GradientCase.Inputs(20567);
        List<GradientCase> c = new ArrayList<>();
        return c;
    }
}
