package dev.kiln.compiler.random;

import dev.kiln.compiler.random.GraphBuilder.Fresh;
import dev.kiln.compiler.random.GraphBuilder.Proposal;
import dev.kiln.compiler.random.GraphBuilder.Use;
import dev.kiln.compiler.random.GraphBuilder.Value;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static dev.kiln.compiler.random.Recipe.FLOAT;
import static dev.kiln.compiler.random.Recipe.attrs;

/**
 * Recipes for neural-network ops (convolution, pooling, normalisations, activations, softmax family, Dropout) and
 * the matrix products (FullyConnected, dot, batch_dot, matmul, gemm2).
 */
final class NNRecipes {
    private NNRecipes() {
    }

    static void register(Map<String, Recipe> r) {
        r.put("Activation", Recipe.simple("Activation", FLOAT, (b, x) -> attrs("act_type",
                new String[] {"relu", "sigmoid", "tanh", "softrelu", "softsign"}[b.rnd.nextInt(5)])));
        r.put("LeakyReLU", Recipe.simple("LeakyReLU", FLOAT, (b, x) -> {
            String[] kinds = {"leaky", "prelu", "rrelu", "elu", "selu", "gelu"};
            return attrs("act_type", kinds[b.rnd.nextInt(kinds.length)], "slope", 0.1 + b.rnd.nextDouble() / 2);
        }));
        r.put("SoftmaxActivation", Recipe.simple("SoftmaxActivation", v -> v.isFloat() && v.rank() >= 2,
                (b, x) -> attrs("mode", x.rank() >= 3 && b.rnd.nextBoolean() ? "channel" : "instance")));
        for (String n : List.of("softmax", "log_softmax", "softmin")) {
            r.put(n, Recipe.simple(n, FLOAT, (b, x) -> attrs("axis", Recipe.axis(b.rnd, x.rank()),
                    "temperature", b.rnd.nextInt(3) == 0 ? 2.0 : null)));
        }
        r.put("Dropout", Recipe.simple("Dropout", FLOAT, (b, x) -> attrs("p", b.rnd.nextInt(4) * 0.25,
                "mode", b.rnd.nextInt(4) == 0 ? "always" : "training",
                "axes", b.rnd.nextBoolean() ? null : new int[] {Recipe.axis(b.rnd, x.rank())})));
        r.put("_contrib_DropBlock", Recipe.simple("_contrib_DropBlock", v -> v.isFloat() && v.rank() == 4,
                (b, x) -> attrs("p", 0.25, "block_size", 1 + b.rnd.nextInt(2))));
        r.put("BatchNorm", Recipe.simple("BatchNorm", v -> v.isFloat() && v.rank() >= 2, (b, x) -> attrs(
                "axis", b.rnd.nextInt(3) > 0 ? 1 : Recipe.axis(b.rnd, x.rank()), "fix_gamma", b.rnd.nextBoolean(),
                "use_global_stats", b.rnd.nextInt(3) == 0, "eps", 1e-3, "momentum", 0.75,
                "output_mean_var", b.rnd.nextInt(4) == 0)));
        r.put("LayerNorm", Recipe.simple("LayerNorm", FLOAT, (b, x) -> attrs("axis", Recipe.axis(b.rnd, x.rank()),
                "output_mean_var", b.rnd.nextInt(4) == 0)));
        r.put("InstanceNorm", Recipe.simple("InstanceNorm", v -> v.isFloat() && v.rank() >= 3, (b, x) -> attrs()));
        r.put("GroupNorm", Recipe.simple("GroupNorm", v -> v.isFloat() && v.rank() >= 3, (b, x) -> attrs(
                "num_groups", x.dim(1) % 2 == 0 && b.rnd.nextBoolean() ? 2 : 1)));
        r.put("L2Normalization", Recipe.simple("L2Normalization", v -> v.isFloat() && v.rank() >= 2, (b, x) ->
                attrs("mode", new String[] {"instance", "channel", "spatial"}[b.rnd.nextInt(x.rank() >= 3 ? 3 : 1)])));
        r.put("LRN", Recipe.simple("LRN", v -> v.isFloat() && v.rank() == 4, (b, x) -> attrs("nsize",
                1 + 2 * b.rnd.nextInt(2), "alpha", 0.01)));
        r.put("FullyConnected", Recipe.simple("FullyConnected", FLOAT, (b, x) -> attrs("num_hidden",
                1 + b.rnd.nextInt(5), "no_bias", b.rnd.nextInt(3) == 0, "flatten", b.rnd.nextInt(3) > 0)));
        r.put("Convolution", spatial("Convolution", (b, x) -> convolution(b, x, false)));
        r.put("Deconvolution", spatial("Deconvolution", (b, x) -> convolution(b, x, true)));
        r.put("Pooling", spatial("Pooling", NNRecipes::pooling));
        r.put("UpSampling", spatial("UpSampling", (b, x) -> x.rank() != 4 ? null : attrs("scale",
                1 + b.rnd.nextInt(2), "sample_type", "nearest", "num_args", 1)));
        r.put("_contrib_AdaptiveAvgPooling2D", spatial("_contrib_AdaptiveAvgPooling2D", (b, x) -> x.rank() != 4
                ? null : attrs("output_size", new int[] {1 + b.rnd.nextInt(3), 1 + b.rnd.nextInt(3)})));
        for (String n : List.of("_contrib_AdaptiveAvgPooling", "_contrib_AdaptiveMaxPooling")) {
            r.put(n, spatial(n, (b, x) -> attrs("output_size", x.rank() == 4 && b.rnd.nextBoolean()
                    ? new int[] {1 + b.rnd.nextInt(3), 1 + b.rnd.nextInt(3)} : new int[] {1 + b.rnd.nextInt(3)})));
        }
        r.put("_contrib_BilinearResize2D", spatial("_contrib_BilinearResize2D", (b, x) -> x.rank() != 4 ? null
                : attrs("height", 1 + b.rnd.nextInt(5), "width", 1 + b.rnd.nextInt(5),
                "align_corners", b.rnd.nextBoolean())));
        products(r);
    }

    /** A recipe on a float value of rank 3 or 4 (N, C, W) / (N, C, H, W), made a new input when there is none. */
    private static Recipe spatial(String opName, BiFunction<GraphBuilder, Value, Map<String, Object>> attrs) {
        OpDef op = OpRegistry.global().get(opName);
        return b -> {
            Value x = b.anyFloat(3, 4);
            if (x == null || b.rnd.nextInt(4) == 0) {
                Shape s = b.rnd.nextBoolean() ? Shape.of(1 + b.rnd.nextInt(2), 1 + b.rnd.nextInt(3), 2 + b.rnd.nextInt(4))
                        : Shape.of(1 + b.rnd.nextInt(2), 1 + b.rnd.nextInt(3), 2 + b.rnd.nextInt(4), 2 + b.rnd.nextInt(4));
                x = b.input(s, b.floatType, Domain.SIGNED);
            }
            Map<String, Object> a = attrs.apply(b, x);
            return a == null ? null : new Proposal(op, a, Recipe.inputsFor(b, op, a, x));
        };
    }

    private static Map<String, Object> convolution(GraphBuilder b, Value x, boolean deconv) {
        int dims = x.rank() - 2;
        int[] kernel = new int[dims];
        int[] stride = new int[dims];
        int[] dilate = new int[dims];
        int[] pad = new int[dims];
        for (int i = 0; i < dims; i++) {
            kernel[i] = 1 + b.rnd.nextInt(Math.min(3, x.dim(2 + i)));
            stride[i] = 1 + b.rnd.nextInt(2);
            dilate[i] = kernel[i] > 1 && b.rnd.nextInt(4) == 0 ? 2 : 1;
            pad[i] = b.rnd.nextInt(2);
        }
        int channels = x.dim(1);
        int group = channels % 2 == 0 && b.rnd.nextInt(3) == 0 ? 2 : 1;
        int filters = group * (1 + b.rnd.nextInt(3));
        return attrs("kernel", kernel, "stride", stride, "dilate", dilate, "pad", pad, "num_filter", filters,
                "num_group", group, "no_bias", deconv ? b.rnd.nextInt(3) > 0 : b.rnd.nextInt(3) == 0);
    }

    private static Map<String, Object> pooling(GraphBuilder b, Value x) {
        int dims = x.rank() - 2;
        int[] kernel = new int[dims];
        int[] stride = new int[dims];
        int[] pad = new int[dims];
        for (int i = 0; i < dims; i++) {
            kernel[i] = 1 + b.rnd.nextInt(Math.min(3, x.dim(2 + i)));
            stride[i] = 1 + b.rnd.nextInt(2);
            pad[i] = kernel[i] > 1 ? b.rnd.nextInt(2) : 0;
        }
        String[] types = {"max", "avg", "sum", "lp"};
        String type = types[b.rnd.nextInt(types.length)];
        return attrs("kernel", kernel, "stride", stride, "pad", pad, "pool_type", type,
                "global_pool", b.rnd.nextInt(5) == 0,
                "pooling_convention", b.rnd.nextBoolean() ? "valid" : "full",
                "p_value", type.equals("lp") ? 1 + b.rnd.nextInt(2) : null,
                "count_include_pad", type.equals("avg") ? b.rnd.nextBoolean() : null);
    }

    /** dot, batch_dot, matmul and gemm2 with a second operand shaped to fit the first. */
    private static void products(Map<String, Recipe> r) {
        r.put("dot", b -> {
            Value x = b.anyFloat(1, 3);
            if (x == null) {
                return null;
            }
            boolean ta = x.rank() == 2 && b.rnd.nextBoolean();
            boolean tb = b.rnd.nextBoolean();
            int inner = ta ? x.dim(0) : x.dim(x.rank() - 1);
            int n = 1 + b.rnd.nextInt(4);
            Shape other = b.rnd.nextInt(4) == 0 ? Shape.of(inner) : tb ? Shape.of(n, inner) : Shape.of(inner, n);
            return pair(b, "dot", x, other, attrs("transpose_a", ta, "transpose_b", other.rank() == 2 && tb));
        });
        r.put("batch_dot", b -> {
            Value x = b.anyFloat(3, 3);
            if (x == null) {
                x = b.input(Recipe.shape(b.rnd, 3, 3), b.floatType, Domain.SIGNED);
            }
            boolean ta = b.rnd.nextBoolean();
            boolean tb = b.rnd.nextBoolean();
            int inner = ta ? x.dim(1) : x.dim(2);
            int n = 1 + b.rnd.nextInt(3);
            Shape other = tb ? Shape.of(x.dim(0), n, inner) : Shape.of(x.dim(0), inner, n);
            return pair(b, "batch_dot", x, other, attrs("transpose_a", ta, "transpose_b", tb));
        });
        r.put("matmul", b -> {
            Value x = b.anyFloat(2, 4);
            if (x == null) {
                return null;
            }
            int[] d = x.shape().dims();
            d[d.length - 2] = d[d.length - 1];
            d[d.length - 1] = 1 + b.rnd.nextInt(3);
            if (d.length > 2 && b.rnd.nextBoolean()) {
                d[0] = 1;
            }
            return pair(b, "matmul", x, Shape.of(d), attrs());
        });
        r.put("linalg_gemm2", b -> {
            Value x = b.anyFloat(2, 3);
            if (x == null) {
                return null;
            }
            boolean ta = b.rnd.nextBoolean();
            boolean tb = b.rnd.nextBoolean();
            int[] d = x.shape().dims();
            int r2 = d.length - 2;
            int inner = ta ? d[r2] : d[r2 + 1];
            int n = 1 + b.rnd.nextInt(3);
            d[r2] = tb ? n : inner;
            d[r2 + 1] = tb ? inner : n;
            return pair(b, "linalg_gemm2", x, Shape.of(d), attrs("transpose_a", ta, "transpose_b", tb,
                    "alpha", b.rnd.nextBoolean() ? 1.0 : -0.5));
        });
    }

    private static Proposal pair(GraphBuilder b, String opName, Value x, Shape other, Map<String, Object> a) {
        GraphBuilder.Input y = b.rnd.nextBoolean() ? b.like(other, x.dtype(), Domain.SIGNED)
                : new Fresh(other, x.dtype(), Domain.SIGNED);
        return new Proposal(OpRegistry.global().get(opName), a, List.of(new Use(x), y));
    }
}
