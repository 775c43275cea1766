package dev.kiln.compiler.random;

import dev.kiln.compiler.random.GraphBuilder.Fresh;
import dev.kiln.compiler.random.GraphBuilder.Input;
import dev.kiln.compiler.random.GraphBuilder.Proposal;
import dev.kiln.compiler.random.GraphBuilder.Use;
import dev.kiln.compiler.random.GraphBuilder.Value;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpRegistry;

import java.util.List;
import java.util.Map;

import static dev.kiln.compiler.random.Recipe.FLOAT;
import static dev.kiln.compiler.random.Recipe.attrs;

/**
 * Recipes for ops that read index or label inputs (take, pick, one_hot, gather_nd, Embedding, the sequence ops,
 * take_along_axis, the softmax losses) and for where and clip. Index inputs are new variables whose values lie in
 * range (or, for the clipping and wrapping modes, a little outside it).
 */
final class IndexRecipes {
    private IndexRecipes() {
    }

    static void register(Map<String, Recipe> r) {
        r.put("clip", Recipe.simple("clip", Recipe.ANY, (b, x) -> {
            double lo = -1.5 + b.rnd.nextInt(3);
            return attrs("a_min", lo, "a_max", lo + 0.5 + b.rnd.nextInt(3));
        }));
        r.put("where", b -> {
            Value x = b.anyFloat();
            if (x == null) {
                return null;
            }
            Shape cond = b.rnd.nextInt(3) == 0 ? Shape.of(x.dim(0)) : x.shape();
            return new Proposal(op("where"), Map.of(), List.of(b.like(cond, x.dtype(), Domain.SIGNED), new Use(x),
                    b.like(x.shape(), x.dtype(), Domain.SIGNED)));
        });
        r.put("take", b -> {
            Value x = b.any();
            String mode = new String[] {"clip", "wrap", "raise"}[b.rnd.nextInt(3)];
            int axis = Recipe.axis(b.rnd, x.rank());
            int d = x.dim(axis < 0 ? axis + x.rank() : axis);
            Domain idx = mode.equals("raise") ? Domain.indices(0, d) : Domain.indices(-1, d + 2);
            return new Proposal(op("take"), attrs("axis", axis, "mode", mode), List.of(new Use(x),
                    indices(b, Recipe.shape(b.rnd, 1 + b.rnd.nextInt(2), 3), idx)));
        });
        r.put("pick", b -> {
            Value x = b.anyFloat(1, 4);
            if (x == null) {
                return null;
            }
            int axis = Recipe.axis(b.rnd, x.rank());
            int a = axis < 0 ? axis + x.rank() : axis;
            boolean keep = b.rnd.nextBoolean();
            int[] s = x.shape().dims();
            s[a] = 1;
            Shape idxShape = keep ? Shape.of(s) : x.rank() == 1 ? Shape.of(1) : x.shape().remove(a);
            String mode = b.rnd.nextBoolean() ? "clip" : "wrap";
            return new Proposal(op("pick"), attrs("axis", axis, "keepdims", keep, "mode", mode), List.of(new Use(x),
                    new Fresh(idxShape, x.dtype(), Domain.indices(-1, x.dim(a) + 1))));
        });
        r.put("one_hot", b -> new Proposal(op("one_hot"), attrs("depth", 1 + b.rnd.nextInt(4),
                "on_value", 2.0, "off_value", -0.5, "dtype", b.floatType),
                List.of(indices(b, Recipe.shape(b.rnd, 1 + b.rnd.nextInt(2), 3), Domain.indices(-1, 5)))));
        r.put("gather_nd", b -> {
            Value x = b.any();
            int m = 1 + b.rnd.nextInt(x.rank());
            int n = 1 + b.rnd.nextInt(3);
            return new Proposal(op("gather_nd"), Map.of(), List.of(new Use(x),
                    indices(b, Shape.of(m, n), Domain.indices(0, minDim(x, m)))));
        });
        r.put("Embedding", b -> {
            int in = 2 + b.rnd.nextInt(4);
            return new Proposal(op("Embedding"), attrs("input_dim", in, "output_dim", 1 + b.rnd.nextInt(4),
                    "dtype", b.floatType), List.of(new Fresh(Recipe.shape(b.rnd, 1 + b.rnd.nextInt(2), 3),
                    b.floatType, Domain.indices(0, in)), new Fresh(null, b.floatType, Domain.SIGNED)));
        });
        for (String n : List.of("SequenceMask", "SequenceLast", "SequenceReverse")) {
            r.put(n, b -> {
                Value x = b.anyFloat(2, 4);
                if (x == null) {
                    return null;
                }
                boolean lengths = b.rnd.nextBoolean();
                int axis = n.equals("SequenceReverse") ? 0 : b.rnd.nextInt(2);
                Map<String, Object> a = attrs("use_sequence_length", lengths, "axis", axis,
                        "value", n.equals("SequenceMask") ? -1.0 : null);
                if (!lengths) {
                    return new Proposal(op(n), a, List.of(new Use(x)));
                }
                return new Proposal(op(n), a, List.of(new Use(x), new Fresh(Shape.of(x.dim(1 - axis)), x.dtype(),
                        Domain.indices(1, x.dim(axis) + 1))));
            });
        }
        r.put("_take_along_axis", b -> {
            Value x = b.anyFloat(1, 4);
            if (x == null) {
                return null;
            }
            int axis = Recipe.axis(b.rnd, x.rank());
            int a = axis < 0 ? axis + x.rank() : axis;
            return new Proposal(op("_take_along_axis"), attrs("axis", axis), List.of(new Use(x),
                    indices(b, x.shape().with(a, 1 + b.rnd.nextInt(3)), Domain.indices(0, x.dim(a)))));
        });
        r.put("softmax_cross_entropy", b -> {
            Value x = b.anyFloat(2, 2);
            if (x == null) {
                return null;
            }
            return new Proposal(op("softmax_cross_entropy"), Map.of(), List.of(new Use(x),
                    new Fresh(Shape.of(x.dim(0)), x.dtype(), Domain.indices(0, x.dim(1)))));
        });
        r.put("SoftmaxOutput", b -> {
            Value x = b.anyFloat(2, 2);
            if (x == null) {
                return null;
            }
            return new Proposal(op("SoftmaxOutput"), attrs("grad_scale", b.rnd.nextBoolean() ? 1.0 : 0.5,
                    "normalization", new String[] {"null", "batch", "valid"}[b.rnd.nextInt(3)],
                    "use_ignore", b.rnd.nextBoolean(), "ignore_label", 0.0, "smooth_alpha",
                    b.rnd.nextBoolean() ? 0.0 : 0.1), List.of(new Use(x),
                    new Fresh(Shape.of(x.dim(0)), x.dtype(), Domain.indices(0, x.dim(1)))));
        });
    }

    private static int minDim(Value x, int m) {
        int lo = Integer.MAX_VALUE;
        for (int a = 0; a < m; a++) {
            lo = Math.min(lo, x.dim(a));
        }
        return lo;
    }

    private static Input indices(GraphBuilder b, Shape s, Domain d) {
        return new Fresh(s, b.rnd.nextBoolean() ? DType.INT32 : b.floatType, d);
    }

    private static dev.kiln.op.OpDef op(String name) {
        return OpRegistry.global().get(name);
    }
}
