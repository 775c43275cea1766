package dev.kiln.op.image;

import dev.kiln.testing.GradientCase;

import java.util.ArrayList;
import java.util.List;

/** Gradient checks of the differentiable image ops, run by {@code dev.kiln.op.OpGradientTest}. */
public final class ImageGradientCases {
    private ImageGradientCases() {
    }

    public static List<GradientCase> cases() {
        GradientCase.Inputs r = new GradientCase.Inputs(9090);
        List<GradientCase> c = new ArrayList<>();
        c.add(GradientCase.of("_image_normalize", r.uniform(3, 2, 2)).attr("mean", "(0.1, 0.2, 0.3)")
                .attr("std", "(0.5, 2.0, 4.0)"));
        c.add(GradientCase.of("_image_normalize", r.uniform(2, 1, 2, 3)).attr("mean", 0.5).attr("std", 0.25));
        c.add(GradientCase.of("_backward_image_normalize", r.uniform(2, 3, 2, 2), r.uniform(2, 3, 2, 2))
                .attr("mean", "(0.1,)").attr("std", "(0.5, 2.0, 4.0)").wrt(0));
        c.add(GradientCase.of("_image_flip_left_right", r.uniform(2, 3, 3)));
        c.add(GradientCase.of("_image_flip_top_bottom", r.uniform(3, 2, 1)));
        c.add(GradientCase.of("_image_crop", r.uniform(4, 3, 3)).attr("x", 1).attr("y", 2).attr("width", 2)
                .attr("height", 2));
        c.add(GradientCase.of("_image_crop", r.uniform(2, 3, 4, 1)).attr("x", 0).attr("y", 1).attr("width", 3)
                .attr("height", 2));
        c.add(GradientCase.of("_backward_image_crop", r.uniform(2, 2, 3), r.uniform(4, 3, 3)).attr("x", 1)
                .attr("y", 0).attr("width", 2).attr("height", 2).wrt(0));
        return c;
    }
}
