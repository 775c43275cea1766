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
        convolution(r, c);
        deconvolution(r, c);
        pooling(r, c);
        upSampling(r, c);
        upSamplingSecondOrder(r, c);
        resize(r, c);
        adaptivePooling(r, c);
        return c;
    }

    private static void convolution(GradientCase.Inputs r, List<GradientCase> c) {
        c.add(GradientCase.of("Convolution", r.uniform(2, 2, 6), r.uniform(3, 2, 3), r.uniform(3))
                .attr("kernel", "(3,)").attr("stride", "(2,)").attr("num_filter", 3));
        c.add(GradientCase.of("Convolution", r.uniform(1, 2, 4, 4), r.uniform(2, 2, 2, 2), r.uniform(2))
                .attr("kernel", "(2, 2)").attr("pad", "(1, 1)").attr("num_filter", 2));
        c.add(GradientCase.of("Convolution", r.uniform(1, 2, 5, 5), r.uniform(2, 2, 2, 2))
                .attr("kernel", "(2, 2)").attr("stride", "(2, 2)").attr("dilate", "(2, 2)").attr("pad", "(1, 1)")
                .attr("num_filter", 2).attr("no_bias", true));
        c.add(GradientCase.of("Convolution", r.uniform(1, 4, 3, 3), r.uniform(4, 2, 2, 2), r.uniform(4))
                .attr("kernel", "(2, 2)").attr("num_filter", 4).attr("num_group", 2));
        c.add(GradientCase.of("Convolution", r.uniform(2, 3, 2, 2), r.uniform(2, 3, 1, 1), r.uniform(2))
                .attr("kernel", "(1, 1)").attr("num_filter", 2).titled("Convolution pointwise"));
        c.add(GradientCase.of("Convolution", r.uniform(1, 1, 3, 3, 3), r.uniform(2, 1, 2, 2, 2), r.uniform(2))
                .attr("kernel", "(2, 2, 2)").attr("pad", "(1, 0, 0)").attr("stride", "(1, 2, 1)")
                .attr("num_filter", 2));
        c.add(GradientCase.of("Convolution", r.uniform(1, 4, 4, 2), r.uniform(2, 2, 2, 2), r.uniform(2))
                .attr("kernel", "(2, 2)").attr("stride", "(2, 1)").attr("pad", "(0, 1)").attr("num_filter", 2)
                .attr("layout", "NHWC"));
        c.add(GradientCase.of("Convolution", r.uniform(2, 5, 4), r.uniform(2, 2, 2))
                .attr("kernel", "(2,)").attr("dilate", "(2,)").attr("num_filter", 2).attr("num_group", 2)
                .attr("no_bias", true).attr("layout", "NWC"));
        // Second derivatives: the backward op's own gradient, with and without bias.
        c.add(GradientCase.of("_backward_Convolution", r.uniform(1, 2, 3, 3), r.uniform(1, 2, 4, 4),
                        r.uniform(2, 2, 2, 2), r.uniform(2))
                .attr("kernel", "(2, 2)").attr("stride", "(1, 1)").attr("num_filter", 2));
        c.add(GradientCase.of("_backward_Convolution", r.uniform(1, 4, 2, 2), r.uniform(1, 2, 4, 4),
                        r.uniform(4, 1, 3, 3))
                .attr("kernel", "(3, 3)").attr("stride", "(2, 2)").attr("pad", "(1, 1)").attr("num_filter", 4)
                .attr("num_group", 2).attr("no_bias", true));
    }

    private static void deconvolution(GradientCase.Inputs r, List<GradientCase> c) {
        c.add(GradientCase.of("Deconvolution", r.uniform(1, 2, 3, 3), r.uniform(2, 2, 2, 2), r.uniform(2))
                .attr("kernel", "(2, 2)").attr("stride", "(2, 2)").attr("num_filter", 2).attr("no_bias", false));
        c.add(GradientCase.of("Deconvolution", r.uniform(1, 2, 2, 2), r.uniform(2, 1, 3, 3))
                .attr("kernel", "(3, 3)").attr("stride", "(2, 2)").attr("pad", "(1, 1)").attr("adj", "(1, 1)")
                .attr("num_filter", 1));
        c.add(GradientCase.of("Deconvolution", r.uniform(1, 1, 2, 2), r.uniform(1, 2, 3, 3))
                .attr("kernel", "(3, 3)").attr("stride", "(2, 2)").attr("target_shape", "(4, 4)")
                .attr("num_filter", 2));
        c.add(GradientCase.of("Deconvolution", r.uniform(1, 4, 2, 2), r.uniform(4, 1, 2, 2), r.uniform(2))
                .attr("kernel", "(2, 2)").attr("dilate", "(2, 2)").attr("num_filter", 2).attr("num_group", 2)
                .attr("no_bias", false));
        c.add(GradientCase.of("Deconvolution", r.uniform(2, 2, 3), r.uniform(2, 3, 3))
                .attr("kernel", "(3,)").attr("stride", "(2,)").attr("pad", "(1,)").attr("dilate", "(2,)")
                .attr("num_filter", 3));
        c.add(GradientCase.of("Deconvolution", r.uniform(1, 1, 2, 2, 2), r.uniform(1, 2, 2, 2, 2))
                .attr("kernel", "(2, 2, 2)").attr("stride", "(2, 1, 2)").attr("num_filter", 2));
        c.add(GradientCase.of("Deconvolution", r.uniform(1, 3, 3, 2), r.uniform(2, 2, 2, 1), r.uniform(1))
                .attr("kernel", "(2, 2)").attr("stride", "(2, 2)").attr("pad", "(1, 0)").attr("num_filter", 1)
                .attr("no_bias", false).attr("layout", "NHWC"));
        c.add(GradientCase.of("_backward_Deconvolution", r.uniform(1, 2, 5, 5), r.uniform(1, 2, 2, 2),
                        r.uniform(2, 1, 3, 3), r.uniform(2))
                .attr("kernel", "(3, 3)").attr("stride", "(2, 2)").attr("num_filter", 2).attr("num_group", 2)
                .attr("no_bias", false));
    }

    private static void pooling(GradientCase.Inputs r, List<GradientCase> c) {
        c.add(GradientCase.of("Pooling", r.distinct(1, 2, 4, 4))
                .attr("kernel", "(2, 2)").attr("stride", "(2, 2)").attr("pool_type", "max"));
        c.add(GradientCase.of("Pooling", r.distinct(1, 1, 5, 5))
                .attr("kernel", "(3, 3)").attr("stride", "(2, 2)").attr("pad", "(1, 1)").attr("pool_type", "max"));
        c.add(GradientCase.of("Pooling", r.distinct(1, 2, 5, 4))
                .attr("kernel", "(2, 2)").attr("stride", "(2, 2)").attr("pool_type", "max")
                .attr("pooling_convention", "full"));
        c.add(GradientCase.of("Pooling", r.distinct(2, 2, 3, 3)).attr("pool_type", "max").attr("global_pool", true));
        c.add(GradientCase.of("Pooling", r.distinct(1, 3, 3, 2))
                .attr("kernel", "(2, 2)").attr("pool_type", "max").attr("layout", "NHWC"));
        c.add(GradientCase.of("Pooling", r.distinct(1, 2, 7)).attr("kernel", "(3,)").attr("stride", "(2,)")
                .attr("pool_type", "max").attr("pooling_convention", "same"));
        c.add(GradientCase.of("Pooling", r.distinct(1, 1, 3, 3, 3)).attr("kernel", "(2, 2, 2)")
                .attr("pool_type", "max"));
        c.add(GradientCase.of("Pooling", r.uniform(1, 2, 4, 4))
                .attr("kernel", "(3, 3)").attr("stride", "(2, 2)").attr("pad", "(1, 1)").attr("pool_type", "avg"));
        c.add(GradientCase.of("Pooling", r.uniform(1, 2, 4, 4))
                .attr("kernel", "(3, 3)").attr("stride", "(2, 2)").attr("pad", "(1, 1)").attr("pool_type", "avg")
                .attr("count_include_pad", false));
        c.add(GradientCase.of("Pooling", r.uniform(1, 1, 5, 5))
                .attr("kernel", "(2, 2)").attr("stride", "(2, 2)").attr("pad", "(1, 1)").attr("pool_type", "avg")
                .attr("pooling_convention", "full").attr("count_include_pad", false));
        c.add(GradientCase.of("Pooling", r.uniform(1, 2, 7)).attr("kernel", "(2,)").attr("stride", "(2,)")
                .attr("pool_type", "avg").attr("pooling_convention", "same"));
        c.add(GradientCase.of("Pooling", r.uniform(2, 2, 3, 3)).attr("pool_type", "avg").attr("global_pool", true));
        c.add(GradientCase.of("Pooling", r.uniform(1, 1, 3, 3, 4)).attr("kernel", "(2, 2, 2)")
                .attr("stride", "(1, 1, 2)").attr("pool_type", "avg"));
        c.add(GradientCase.of("Pooling", r.uniform(2, 2, 6)).attr("kernel", "(3,)").attr("stride", "(2,)")
                .attr("pad", "(1,)").attr("pool_type", "sum"));
        c.add(GradientCase.of("Pooling", r.uniform(1, 2, 3, 3)).attr("pool_type", "sum").attr("global_pool", true)
                .attr("layout", "NHWC"));
        c.add(GradientCase.of("_backward_Pooling", r.uniform(1, 1, 2, 2), r.uniform(1, 1, 4, 4), r.uniform(1, 1, 2, 2))
                .attr("kernel", "(3, 3)").attr("stride", "(2, 2)").attr("pad", "(1, 1)").attr("pool_type", "avg")
                .attr("count_include_pad", false).wrt(0));
        // lp: positive data keeps the norm away from zero, where (x / y)^(p - 1) is unbounded.
        for (int p = 1; p <= 3; p++) {
            c.add(GradientCase.of("Pooling", r.uniform(0.5, 1.5, 1, 2, 4, 4)).attr("kernel", "(2, 2)")
                    .attr("stride", "(1, 2)").attr("pool_type", "lp").attr("p_value", p));
        }
        c.add(GradientCase.of("Pooling", r.uniform(0.5, 1.5, 1, 2, 5)).attr("kernel", "(2,)")
                .attr("pool_type", "lp").attr("p_value", 2).attr("pooling_convention", "full").attr("stride", "(2,)"));
    }

    private static void upSampling(GradientCase.Inputs r, List<GradientCase> c) {
        c.add(GradientCase.of("UpSampling", r.uniform(1, 2, 2, 3)).attr("scale", 2).attr("sample_type", "nearest")
                .attr("num_args", 1));
        c.add(GradientCase.of("UpSampling", r.uniform(1, 1, 2, 2), r.uniform(1, 2, 1, 1)).attr("scale", 2)
                .attr("sample_type", "nearest").attr("num_args", 2));
        c.add(GradientCase.of("UpSampling", r.uniform(1, 2, 2, 2), r.uniform(1, 2, 4, 4)).attr("scale", 2)
                .attr("sample_type", "nearest").attr("num_args", 2).attr("multi_input_mode", "sum"));
        c.add(GradientCase.of("UpSampling", r.uniform(1, 2, 2, 2), r.uniform(2, 1, 4, 4)).attr("scale", 2)
                .attr("sample_type", "bilinear").attr("num_filter", 2).attr("num_args", 2));
        c.add(GradientCase.of("UpSampling", r.uniform(1, 1, 2, 3), r.uniform(1, 1, 5, 5)).attr("scale", 3)
                .attr("sample_type", "bilinear").attr("num_filter", 1).attr("num_args", 2));
    }

    private static void upSamplingSecondOrder(GradientCase.Inputs r, List<GradientCase> c) {
        c.add(GradientCase.of("_backward_UpSampling", r.uniform(1, 3, 4, 4), r.uniform(1, 1, 2, 2),
                        r.uniform(1, 2, 1, 1)).attr("scale", 2).attr("sample_type", "nearest").attr("num_args", 2));
        c.add(GradientCase.of("_backward_UpSampling", r.uniform(1, 2, 4, 4), r.uniform(1, 2, 2, 2),
                        r.uniform(2, 1, 4, 4)).attr("scale", 2).attr("sample_type", "bilinear").attr("num_filter", 2)
                .attr("num_args", 2));
    }

    private static void resize(GradientCase.Inputs r, List<GradientCase> c) {
        c.add(GradientCase.of("_contrib_BilinearResize2D", r.uniform(1, 2, 3, 4)).attr("height", 5)
                .attr("width", 3));
        c.add(GradientCase.of("_contrib_BilinearResize2D", r.uniform(1, 2, 3, 4)).attr("height", 7)
                .attr("width", 6).attr("align_corners", false));
        c.add(GradientCase.of("_contrib_BilinearResize2D", r.uniform(1, 1, 4, 5)).attr("height", 2)
                .attr("width", 3).attr("align_corners", false));
        c.add(GradientCase.of("_contrib_BilinearResize2D", r.uniform(1, 1, 3, 3), r.uniform(1, 1, 5, 4))
                .attr("mode", "like"));
        c.add(GradientCase.of("_contrib_BilinearResize2D", r.uniform(2, 1, 3, 3)).attr("mode", "odd_scale")
                .attr("scale_height", 2.0).attr("scale_width", 1.5));
        c.add(GradientCase.of("_contrib_BilinearResize2D", r.uniform(1, 2, 2, 3)).attr("mode", "to_odd_up"));
        c.add(GradientCase.of("_contrib_BilinearResize2D", r.uniform(1, 2, 3, 4)).attr("scale_height", 1.5)
                .attr("scale_width", 2.0));
        c.add(GradientCase.of("_backward_contrib_BilinearResize2D", r.uniform(1, 2, 5, 3), r.uniform(1, 2, 3, 4))
                .attr("height", 5).attr("width", 3).attr("align_corners", false));
    }

    private static void adaptivePooling(GradientCase.Inputs r, List<GradientCase> c) {
        c.add(GradientCase.of("_contrib_AdaptiveAvgPooling2D", r.uniform(2, 2, 5, 7)).attr("output_size", "(3, 2)"));
        c.add(GradientCase.of("_contrib_AdaptiveAvgPooling2D", r.uniform(1, 2, 2, 3)).attr("output_size", 4));
        c.add(GradientCase.of("_contrib_AdaptiveAvgPooling2D", r.uniform(1, 3, 4, 4)));
        c.add(GradientCase.of("_contrib_AdaptiveAvgPooling", r.uniform(2, 2, 7)).attr("output_size", 3));
        c.add(GradientCase.of("_contrib_AdaptiveAvgPooling", r.uniform(1, 2, 3, 4, 5)).attr("output_size",
                "(2, 3, 2)"));
        c.add(GradientCase.of("_contrib_AdaptiveAvgPooling", r.uniform(1, 5, 4, 2)).attr("output_size", "(3, 3)")
                .attr("layout", "NHWC"));
        c.add(GradientCase.of("_contrib_AdaptiveMaxPooling", r.distinct(2, 2, 7)).attr("output_size", 3));
        c.add(GradientCase.of("_contrib_AdaptiveMaxPooling", r.distinct(1, 2, 5, 7)).attr("output_size", "(3, 2)"));
        c.add(GradientCase.of("_contrib_AdaptiveMaxPooling", r.distinct(1, 1, 2, 3)).attr("output_size", "(3, 4)"));
        c.add(GradientCase.of("_contrib_AdaptiveMaxPooling", r.distinct(1, 1, 3, 4, 5)).attr("output_size",
                "(2, 3, 2)"));
        // second derivative: the average gradient is linear in ograd
        c.add(GradientCase.of("_backward_contrib_AdaptiveAvgPooling2D", r.uniform(1, 2, 3, 2), r.uniform(1, 2, 5, 7))
                .attr("output_size", "(3, 2)").wrt(0));
    }
}
