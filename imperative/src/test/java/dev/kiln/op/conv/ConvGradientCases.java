package dev.kiln.op.conv;

import dev.kiln.testing.GradientCase;

import java.util.ArrayList;
import java.util.List;

/** Gradient checks of the conv ops, run by {@code dev.kiln.op.OpGradientTest}. */
public final class ConvGradientCases {
    private ConvGradientCases() {
    }

    public static List<GradientCase> cases() {
        GradientCase.Inputs r = new GradientCase.Inputs(31161);
        List<GradientCase> c = new ArrayList<>();
        return c;
    }
}
