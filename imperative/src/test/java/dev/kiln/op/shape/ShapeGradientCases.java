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
        return c;
    }
}
