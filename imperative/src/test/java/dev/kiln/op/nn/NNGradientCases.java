package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.op.IntTuple;
import dev.kiln.testing.GradientCase;

import java.util.ArrayList;
import java.util.List;

/**
 * Gradient checks of the nn ops, run by {@code dev.kiln.op.OpGradientTest}. The float32-only ops (InstanceNorm, LRN,
 * SoftmaxActivation) and SoftmaxOutput, whose MXNet gradient is not the derivative of its output, are checked in
 * {@code NNSpecialGradientTest} instead.
 */
public final class NNGradientCases {
    private NNGradientCases() {
    }

    public static List<GradientCase> cases() {
        GradientCase.Inputs r = new GradientCase.Inputs(818);
        List<GradientCase> c = new ArrayList<>();
        c.add(GradientCase.of("Activation", r.awayFromZero(0.05, 2, 3, 4)).attr("act_type", "relu"));
        for (String act : List.of("sigmoid", "tanh", "softrelu", "softsign")) {
            c.add(GradientCase.of("Activation", r.uniform(-3.0, 3.0, 3, 4)).attr("act_type", act));
        }
        c.add(GradientCase.of("Activation", r.uniform(19.0, 23.0, 2, 3)).attr("act_type", "softrelu")
                .titled("Activation softrelu around its cut-over at 20"));
        c.add(GradientCase.of("LeakyReLU", r.awayFromZero(0.05, 2, 3, 4)));
        c.add(GradientCase.of("LeakyReLU", r.awayFromZero(0.05, 2, 3, 4)).attr("act_type", "leaky")
                .attr("slope", 0.1));
        for (String act : List.of("elu", "selu", "gelu")) {
            c.add(GradientCase.of("LeakyReLU", r.awayFromZero(0.05, 2, 3, 4)).attr("act_type", act));
        }
        c.add(GradientCase.of("LeakyReLU", r.awayFromZero(0.05, 2, 2, 3, 2), r.uniform(0.1, 0.5, 3))
                .attr("act_type", "prelu").titled("LeakyReLU prelu, one slope per channel"));
        c.add(GradientCase.of("LeakyReLU", r.awayFromZero(0.05, 2, 2, 3), r.uniform(0.1, 0.5, 1))
                .attr("act_type", "prelu").titled("LeakyReLU prelu, one shared slope"));
        c.add(GradientCase.of("LeakyReLU", r.awayFromZero(0.05, 2, 3, 4)).attr("act_type", "rrelu")
                .titled("LeakyReLU rrelu in training (random slopes)"));
        c.add(GradientCase.of("LeakyReLU", r.awayFromZero(0.05, 2, 3, 4)).attr("act_type", "rrelu").predict());

        c.add(GradientCase.of("Dropout", r.uniform(-1.0, 1.0, 4, 5)).titled("Dropout in training"));
        c.add(GradientCase.of("Dropout", r.uniform(-1.0, 1.0, 2, 3, 4)).attr("p", 0.3).attr("axes", IntTuple.of(1))
                .titled("Dropout in training sharing draws along axis 1"));
        c.add(GradientCase.of("Dropout", r.uniform(-1.0, 1.0, 3, 4)).predict());
        c.add(GradientCase.of("Dropout", r.uniform(-1.0, 1.0, 3, 4)).attr("mode", "always").predict()
                .titled("Dropout mode=always in predict mode"));

        c.add(GradientCase.of("_contrib_DropBlock", r.uniform(-1.0, 1.0, 2, 2, 5, 5)).attr("p", 0.3)
                .attr("block_size", 3).titled("DropBlock in training"));
        c.add(GradientCase.of("_contrib_DropBlock", r.uniform(-1.0, 1.0, 1, 2, 4, 4)).predict());

        batchNorm(c, r);
        c.add(GradientCase.of("LayerNorm", r.uniform(-1.0, 1.0, 2, 3, 4), r.uniform(0.5, 1.5, 4), r.uniform(-1.0, 1.0, 4)));
        c.add(GradientCase.of("LayerNorm", r.uniform(-1.0, 1.0, 2, 3, 4), r.uniform(0.5, 1.5, 3), r.uniform(-1.0, 1.0, 3))
                .attr("axis", 1).attr("output_mean_var", true));
        c.add(GradientCase.of("GroupNorm", r.uniform(-1.0, 1.0, 2, 4, 3), r.uniform(0.5, 1.5, 2), r.uniform(-1.0, 1.0, 2))
                .attr("num_groups", 2));
        c.add(GradientCase.of("GroupNorm", r.uniform(-1.0, 1.0, 2, 2, 2, 3), r.uniform(0.5, 1.5, 1), r.uniform(-1.0, 1.0, 1))
                .attr("output_mean_var", true));
        for (String mode : List.of("instance", "channel", "spatial")) {
            c.add(GradientCase.of("L2Normalization", r.uniform(-1.0, 1.0, 2, 3, 2, 2)).attr("mode", mode));
        }

        c.add(GradientCase.of("softmax", r.uniform(-2.0, 2.0, 3, 4)));
        c.add(GradientCase.of("softmax", r.uniform(-2.0, 2.0, 3, 4)).attr("axis", 0).attr("temperature", 2.5));
        c.add(GradientCase.of("softmax", r.uniform(-2.0, 2.0, 3, 4), r.ints(1, 5, DType.INT32, 3))
                .attr("use_length", true));
        c.add(GradientCase.of("softmax", r.uniform(-2.0, 2.0, 3, 4)).attr("dtype", "float64")
                .titled("softmax with dtype (_backward_softmax)"));
        c.add(GradientCase.of("log_softmax", r.uniform(-2.0, 2.0, 3, 4)));
        c.add(GradientCase.of("log_softmax", r.uniform(-2.0, 2.0, 3, 4)).attr("axis", 0).attr("temperature", 0.7)
                .attr("dtype", "float64"));
        c.add(GradientCase.of("softmin", r.uniform(-2.0, 2.0, 3, 4)).attr("temperature", 1.5));
        c.add(GradientCase.of("softmin", r.uniform(-2.0, 2.0, 3, 4)).attr("axis", 0).attr("dtype", "float64"));
        c.add(GradientCase.of("softmax_cross_entropy", r.uniform(-2.0, 2.0, 3, 4), r.ints(0, 4, DType.FLOAT64, 3))
                .wrt(0));
        c.add(GradientCase.of("CTCLoss", r.uniform(-1.0, 1.0, 4, 2, 3),
                dev.kiln.ndarray.NDArray.of(dev.kiln.ndarray.Shape.of(2, 2), DType.FLOAT64, 1, 2, 2, 0)).wrt(0));
        c.add(GradientCase.of("smooth_l1", r.uniform(-3.0, 3.0, 3, 4)));
        c.add(GradientCase.of("smooth_l1", r.uniform(-1.0, 1.0, 3, 4)).attr("scalar", 2.0));
        // float32-only kernels (as MXNet's): checked in float32 with a larger step
        c.add(GradientCase.of("InstanceNorm", r.uniform(2, 3, 4), r.uniform(0.5, 1.5, 3), r.uniform(3))
                .attr("eps", 1e-3).float32());
        c.add(GradientCase.of("LRN", r.uniform(1, 5, 2, 2)).attr("nsize", 3).float32());
        c.add(GradientCase.of("SoftmaxActivation", r.uniform(2, 4)).float32());
        c.add(GradientCase.of("SoftmaxActivation", r.uniform(2, 3, 2)).attr("mode", "channel").float32());
        return c;
    }

    private static void batchNorm(List<GradientCase> c, GradientCase.Inputs r) {
        for (boolean training : List.of(true, false)) {
            for (boolean fixGamma : List.of(true, false)) {
                GradientCase k = GradientCase.of("BatchNorm", r.uniform(-1.0, 1.0, 2, 3, 2), r.uniform(0.5, 1.5, 3),
                        r.uniform(-1.0, 1.0, 3), r.uniform(-1.0, 1.0, 3), r.uniform(0.5, 1.5, 3)).attr("fix_gamma", fixGamma);
                c.add(training ? k : k.predict());
            }
        }
        c.add(GradientCase.of("BatchNorm", r.uniform(-1.0, 1.0, 3, 2, 2), r.uniform(0.5, 1.5, 2), r.uniform(-1.0, 1.0, 2), r.uniform(-1.0, 1.0, 2),
                r.uniform(0.5, 1.5, 2)).attr("fix_gamma", false).attr("use_global_stats", true));
        c.add(GradientCase.of("BatchNorm", r.uniform(-1.0, 1.0, 2, 2, 3), r.uniform(0.5, 1.5, 3), r.uniform(-1.0, 1.0, 3), r.uniform(-1.0, 1.0, 3),
                r.uniform(0.5, 1.5, 3)).attr("fix_gamma", false).attr("axis", -1).attr("output_mean_var", true));
    }
}
