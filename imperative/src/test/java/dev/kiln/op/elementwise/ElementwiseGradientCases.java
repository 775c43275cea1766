package dev.kiln.op.elementwise;

import dev.kiln.testing.GradientCase;

import java.util.ArrayList;
import java.util.List;

/** Gradient checks of the elementwise ops, run by {@code dev.kiln.op.OpGradientTest}. */
public final class ElementwiseGradientCases {
    private ElementwiseGradientCases() {
    }

    public static List<GradientCase> cases() {
        GradientCase.Inputs r = new GradientCase.Inputs(22537);
        List<GradientCase> c = new ArrayList<>();
        c.add(GradientCase.of("negative", r.uniform(2, 3)));
        c.add(GradientCase.of("exp", r.uniform(2, 3)));
        c.add(GradientCase.of("square", r.uniform(3, 2)));
        return c;
    }
}
