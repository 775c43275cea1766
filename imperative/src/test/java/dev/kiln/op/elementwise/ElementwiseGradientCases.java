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
        // powers and roots (kinks and poles at zero kept away)
        c.add(GradientCase.of("abs", r.awayFromZero(0.1, 1, 2, 3)));
        c.add(GradientCase.of("sqrt", r.uniform(0.5, 2, 2, 3)));
        c.add(GradientCase.of("rsqrt", r.uniform(0.5, 2, 2, 3)));
        c.add(GradientCase.of("cbrt", r.awayFromZero(0.2, 2, 2, 3)));
        c.add(GradientCase.of("rcbrt", r.awayFromZero(0.2, 2, 2, 3)));
        c.add(GradientCase.of("reciprocal", r.awayFromZero(0.5, 2, 2, 3)));
        // exponentials and logarithms
        c.add(GradientCase.of("expm1", r.uniform(2, 3)));
        c.add(GradientCase.of("log", r.uniform(0.5, 2, 2, 3)));
        c.add(GradientCase.of("log1p", r.uniform(-0.5, 1, 2, 3)));
        c.add(GradientCase.of("log2", r.uniform(0.5, 2, 2, 3)));
        c.add(GradientCase.of("log10", r.uniform(0.5, 2, 2, 3)));
        // trigonometric and hyperbolic
        c.add(GradientCase.of("sin", r.uniform(-3.0, 3.0, 2, 3)));
        c.add(GradientCase.of("cos", r.uniform(-3.0, 3.0, 2, 3)));
        c.add(GradientCase.of("tan", r.uniform(-1.2, 1.2, 2, 3)));
        c.add(GradientCase.of("arcsin", r.uniform(-0.9, 0.9, 2, 3)));
        c.add(GradientCase.of("arccos", r.uniform(-0.9, 0.9, 2, 3)));
        c.add(GradientCase.of("arctan", r.uniform(-3.0, 3.0, 2, 3)));
        c.add(GradientCase.of("sinh", r.uniform(-2.0, 2.0, 2, 3)));
        c.add(GradientCase.of("cosh", r.uniform(-2.0, 2.0, 2, 3)));
        c.add(GradientCase.of("tanh", r.uniform(-2.0, 2.0, 2, 3)));
        c.add(GradientCase.of("arcsinh", r.uniform(-3.0, 3.0, 2, 3)));
        c.add(GradientCase.of("arccosh", r.uniform(1.2, 3, 2, 3)));
        c.add(GradientCase.of("arctanh", r.uniform(-0.9, 0.9, 2, 3)));
        c.add(GradientCase.of("degrees", r.uniform(2, 3)));
        c.add(GradientCase.of("radians", r.uniform(-90.0, 90.0, 2, 3)));
        // special functions; gamma and gammaln also left of zero, where the reflection formulas take over
        c.add(GradientCase.of("erf", r.uniform(-2.0, 2.0, 2, 3)));
        c.add(GradientCase.of("erfinv", r.uniform(-0.9, 0.9, 2, 3)));
        c.add(GradientCase.of("gamma", r.uniform(0.5, 4, 2, 3)));
        c.add(GradientCase.of("gamma", r.uniform(-1.8, -1.2, 2, 3)).titled("gamma of negatives"));
        c.add(GradientCase.of("gammaln", r.uniform(0.3, 20, 2, 3)));
        c.add(GradientCase.of("gammaln", r.uniform(-2.8, -2.2, 2, 3)).titled("gammaln of negatives"));
        c.add(GradientCase.of("_backward_gammaln", r.uniform(2, 3), r.uniform(0.5, 4, 2, 3)));
        c.add(GradientCase.of("_backward_gammaln", r.uniform(2, 3), r.uniform(-1.8, -1.2, 2, 3))
                .titled("_backward_gammaln of negatives"));
        // activations (inputs on both sides of relu's kink and of hard_sigmoid's clipping points)
        c.add(GradientCase.of("sigmoid", r.uniform(-3.0, 3.0, 2, 3)));
        c.add(GradientCase.of("softsign", r.awayFromZero(0.1, 2, 2, 3)));
        c.add(GradientCase.of("relu", r.awayFromZero(0.1, 1, 2, 3)));
        c.add(GradientCase.of("hard_sigmoid", r.uniform(-4.0, 4.0, 3, 4)));
        c.add(GradientCase.of("hard_sigmoid", r.uniform(-2.0, 2.0, 3, 4)).attr("alpha", 0.5).attr("beta", 0.25));
        return c;
    }
}
