package dev.kiln.compiler.random;

import dev.kiln.compiler.random.GraphBuilder.Fresh;
import dev.kiln.compiler.random.GraphBuilder.Proposal;
import dev.kiln.compiler.random.GraphBuilder.Use;
import dev.kiln.compiler.random.GraphBuilder.Value;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.OpRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.compiler.random.Recipe.ANY;
import static dev.kiln.compiler.random.Recipe.attrs;

/**
 * Recipes for element-wise unary, binary (same-shape and broadcasting), scalar and comparison ops, reductions,
 * creation ops and random samplers.
 */
final class ElementwiseRecipes {
    private static final double[] SCALARS = {-1.5, -1, 0, 0.5, 1, 2, 3};

    private ElementwiseRecipes() {
    }

    static void register(Map<String, Recipe> r) {
        for (OpDef op : OpRegistry.global().ops()) {
            String n = op.name();
            if (n.startsWith("_backward")) {
                continue;
            }
            List<String> in = op.declaredInputs();
            if (op.family() == OpFamily.ELEMENTWISE && in.size() == 1) {
                r.put(n, n.equals("hard_sigmoid")
                        ? Recipe.simple(n, ANY, (b, x) -> attrs("alpha", 0.1 + b.rnd.nextDouble() / 2,
                                "beta", b.rnd.nextDouble()))
                        : Recipe.simple(n, ANY));
            } else if (op.family() == OpFamily.BINARY && in.size() == 1) {
                r.put(n, Recipe.simple(n, ANY, (b, x) -> attrs("scalar", SCALARS[b.rnd.nextInt(SCALARS.length)],
                        "is_int", b.rnd.nextInt(4) == 0 ? Boolean.FALSE : null)));
            } else if (op.family() == OpFamily.BINARY && in.size() == 2) {
                r.put(n, n.startsWith("broadcast_") ? broadcastPair(n) : Recipe.simple(n, ANY));
            }
        }
        r.put("smooth_l1", Recipe.simple("smooth_l1", Recipe.FLOAT,
                (b, x) -> attrs("scalar", 0.5 + b.rnd.nextInt(3))));
        for (String n : List.of("sum", "mean", "prod", "max", "min", "nansum", "nanprod", "logsumexp")) {
            r.put(n, Recipe.simple(n, ANY, (b, x) -> attrs("axis", axes(b.rnd, x.rank()),
                    "keepdims", b.rnd.nextBoolean(), "exclude", b.rnd.nextInt(4) == 0)));
        }
        r.put("norm", Recipe.simple("norm", Recipe.FLOAT, (b, x) -> attrs("ord", 1 + b.rnd.nextInt(2),
                "axis", x.rank() >= 2 && b.rnd.nextBoolean() ? axes(b.rnd, Math.min(2, x.rank()))
                        : b.rnd.nextBoolean() ? null : new int[] {Recipe.axis(b.rnd, x.rank())},
                "keepdims", b.rnd.nextBoolean())));
        for (String n : List.of("argmax", "argmin")) {
            r.put(n, Recipe.simple(n, ANY, (b, x) -> attrs("axis", b.rnd.nextInt(4) == 0 ? null
                    : Recipe.axis(b.rnd, x.rank()), "keepdims", b.rnd.nextBoolean())));
        }
        r.put("argsort", Recipe.simple("argsort", ANY, (b, x) -> attrs("axis", Recipe.axis(b.rnd, x.rank()),
                "is_ascend", b.rnd.nextBoolean(), "dtype", b.rnd.nextBoolean() ? "int32" : null)));
        r.put("sort", Recipe.simple("sort", ANY, (b, x) -> attrs("axis", Recipe.axis(b.rnd, x.rank()),
                "is_ascend", b.rnd.nextBoolean())));
        r.put("topk", Recipe.simple("topk", ANY, (b, x) -> {
            int axis = Recipe.axis(b.rnd, x.rank());
            String[] kinds = {"value", "indices", "mask", "both"};
            return attrs("axis", axis, "k", 1 + b.rnd.nextInt(x.dim(axis < 0 ? axis + x.rank() : axis)),
                    "ret_typ", kinds[b.rnd.nextInt(kinds.length)], "is_ascend", b.rnd.nextBoolean());
        }));
        r.put("_np_cumsum", Recipe.simple("_np_cumsum", ANY, (b, x) -> attrs("axis",
                b.rnd.nextInt(3) == 0 ? null : Recipe.axis(b.rnd, x.rank()))));
        r.put("_broadcast_reduced_like", Recipe.simple("_broadcast_reduced_like", ANY, (b, x) -> attrs(
                "axis", axes(b.rnd, x.rank()), "keepdims", b.rnd.nextBoolean(), "mean", b.rnd.nextBoolean())));
        creation(r);
    }

    /** A random set of distinct axes of a rank-{@code r} value, or null (all axes) a quarter of the time. */
    static int[] axes(Random rnd, int r) {
        if (r == 0 || rnd.nextInt(4) == 0) {
            return null;
        }
        List<Integer> picked = new ArrayList<>();
        for (int a = 0; a < r; a++) {
            if (rnd.nextInt(2) == 0) {
                picked.add(rnd.nextBoolean() ? a : a - r);
            }
        }
        if (picked.isEmpty()) {
            picked.add(Recipe.axis(rnd, r));
        }
        return picked.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Ops without inputs (constants a folding pass evaluates) and the random samplers. */
    private static void creation(Map<String, Recipe> r) {
        r.put("_zeros", noInput("_zeros", (b, s) -> attrs("shape", s.dims(), "dtype", dtype(b))));
        r.put("_ones", noInput("_ones", (b, s) -> attrs("shape", s.dims(), "dtype", dtype(b))));
        r.put("_full", noInput("_full", (b, s) -> attrs("shape", s.dims(), "dtype", dtype(b),
                "value", SCALARS[b.rnd.nextInt(SCALARS.length)])));
        r.put("_arange", noInput("_arange", (b, s) -> attrs("start", (double) b.rnd.nextInt(3),
                "stop", 3.0 + b.rnd.nextInt(5), "step", b.rnd.nextBoolean() ? 1.0 : 0.5,
                "repeat", 1 + b.rnd.nextInt(2), "dtype", dtype(b))));
        r.put("_linspace", noInput("_linspace", (b, s) -> attrs("start", -1.0, "stop", 2.0,
                "num", 1 + b.rnd.nextInt(6), "endpoint", b.rnd.nextBoolean(), "dtype", b.floatType)));
        r.put("_eye", noInput("_eye", (b, s) -> attrs("N", (long) (1 + b.rnd.nextInt(4)),
                "M", (long) b.rnd.nextInt(4), "k", (long) (b.rnd.nextInt(3) - 1), "dtype", b.floatType)));
        r.put("_random_uniform", noInput("_random_uniform", (b, s) -> attrs("shape", s.dims(),
                "low", -1.0, "high", 1.5, "dtype", b.floatType)));
        r.put("_random_normal", noInput("_random_normal", (b, s) -> attrs("shape", s.dims(),
                "loc", 0.5, "scale", 2.0, "dtype", b.floatType)));
        r.put("_random_randint", noInput("_random_randint", (b, s) -> attrs("shape", s.dims(),
                "low", -3L, "high", 4L, "dtype", "int32")));
    }

    private static DType dtype(GraphBuilder b) {
        return b.rnd.nextInt(5) == 0 ? DType.INT32 : b.floatType;
    }

    private static Recipe noInput(String opName, java.util.function.BiFunction<GraphBuilder, Shape,
            Map<String, Object>> attrs) {
        OpDef op = OpRegistry.global().get(opName);
        return b -> {
            Value like = b.any();
            Shape s = b.rnd.nextBoolean() ? like.shape() : Recipe.shape(b.rnd, 1 + b.rnd.nextInt(3), 4);
            return new Proposal(op, attrs.apply(b, s), List.of());
        };
    }

    /** A recipe whose second input is a new variable or value broadcastable to the first (shared by where). */
    static Recipe broadcastPair(String opName) {
        OpDef op = OpRegistry.global().get(opName);
        return b -> {
            Value x = b.anyFloat();
            if (x == null) {
                return null;
            }
            Shape s = Recipe.broadcastable(b.rnd, x.shape());
            GraphBuilder.Input y = b.rnd.nextBoolean() ? b.like(s, x.dtype(), Domain.SIGNED)
                    : new Fresh(s, x.dtype(), Domain.SIGNED);
            return new Proposal(op, Map.of(), b.rnd.nextInt(3) == 0 ? List.of(y, new Use(x)) : List.of(new Use(x), y));
        };
    }
}
