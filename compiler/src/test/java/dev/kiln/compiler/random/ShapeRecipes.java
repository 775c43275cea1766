package dev.kiln.compiler.random;

import dev.kiln.compiler.random.GraphBuilder.Input;
import dev.kiln.compiler.random.GraphBuilder.Proposal;
import dev.kiln.compiler.random.GraphBuilder.Use;
import dev.kiln.compiler.random.GraphBuilder.Value;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpRegistry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.compiler.random.Recipe.ANY;
import static dev.kiln.compiler.random.Recipe.attrs;

/**
 * Recipes for ops that move or reshape data: reshape (with its special codes), transpose, expand_dims, squeeze,
 * slicing, concatenation, stacking and splitting, tiling, broadcasting to shapes, padding, casts and the
 * {@code *_like} ops.
 */
final class ShapeRecipes {
    private ShapeRecipes() {
    }

    static void register(Map<String, Recipe> r) {
        for (String n : List.of("Flatten", "BlockGrad", "_copy", "ones_like", "zeros_like", "shape_array",
                "size_array", "broadcast_like", "reshape_like", "_cast_like", "_sum_like", "_broadcast_to_like",
                "_shuffle")) {
            r.put(n, Recipe.simple(n, ANY));
        }
        r.put("slice_like", Recipe.simple("slice_like", ANY, (b, x) -> attrs("axes",
                b.rnd.nextBoolean() ? null : ElementwiseRecipes.axes(b.rnd, x.rank()))));
        r.put("Reshape", Recipe.simple("Reshape", ANY, (b, x) -> attrs("shape", reshapeSpec(b.rnd, x.shape()),
                "reverse", b.rnd.nextInt(4) == 0)));
        r.put("transpose", Recipe.simple("transpose", ANY, (b, x) -> attrs("axes",
                b.rnd.nextInt(4) == 0 ? null : permutation(b.rnd, x.rank()))));
        r.put("expand_dims", Recipe.simple("expand_dims", v -> v.rank() < 4,
                (b, x) -> attrs("axis", b.rnd.nextInt(2 * x.rank() + 2) - x.rank() - 1)));
        r.put("squeeze", Recipe.simple("squeeze", ANY, (b, x) -> {
            List<Integer> ones = new ArrayList<>();
            for (int a = 0; a < x.rank(); a++) {
                if (x.dim(a) == 1) {
                    ones.add(a);
                }
            }
            return attrs("axis", ones.isEmpty() || b.rnd.nextBoolean() ? null
                    : new int[] {ones.get(b.rnd.nextInt(ones.size()))});
        }));
        r.put("SwapAxis", Recipe.simple("SwapAxis", ANY, (b, x) -> attrs("dim1", b.rnd.nextInt(x.rank()),
                "dim2", b.rnd.nextInt(x.rank()))));
        r.put("slice", Recipe.simple("slice", ANY, (b, x) -> slice(b.rnd, x.shape())));
        r.put("slice_axis", Recipe.simple("slice_axis", ANY, (b, x) -> {
            int axis = Recipe.axis(b.rnd, x.rank());
            int d = x.dim(axis < 0 ? axis + x.rank() : axis);
            int begin = b.rnd.nextInt(d);
            int end = begin + 1 + b.rnd.nextInt(d - begin);
            return attrs("axis", axis, "begin", b.rnd.nextBoolean() ? begin : begin - d,
                    "end", b.rnd.nextInt(4) == 0 ? "None" : b.rnd.nextBoolean() || end == d ? end : end - d);
        }));
        r.put("tile", Recipe.simple("tile", ANY, (b, x) -> {
            int[] reps = new int[1 + b.rnd.nextInt(x.rank() + 1)];
            for (int i = 0; i < reps.length; i++) {
                reps[i] = 1 + b.rnd.nextInt(2);
            }
            return attrs("reps", reps);
        }));
        r.put("repeat", Recipe.simple("repeat", ANY, (b, x) -> attrs("repeats", 1 + b.rnd.nextInt(3),
                "axis", b.rnd.nextInt(3) == 0 ? null : Recipe.axis(b.rnd, x.rank()))));
        r.put("reverse", Recipe.simple("reverse", ANY, (b, x) -> attrs("axis",
                new int[] {Recipe.axis(b.rnd, x.rank())})));
        r.put("broadcast_to", Recipe.simple("broadcast_to", v -> Arrays.stream(v.shape().dims()).anyMatch(d -> d == 1),
                (b, x) -> {
                    int[] s = x.shape().dims();
                    for (int i = 0; i < s.length; i++) {
                        s[i] = s[i] == 1 ? 1 + b.rnd.nextInt(3) : b.rnd.nextBoolean() ? 0 : s[i];
                    }
                    return attrs("shape", s);
                }));
        r.put("broadcast_axis", Recipe.simple("broadcast_axis", v -> Arrays.stream(v.shape().dims()).anyMatch(
                d -> d == 1), (b, x) -> {
                    int a = 0;
                    while (x.dim(a) != 1) {
                        a++;
                    }
                    return attrs("axis", new int[] {a}, "size", new int[] {2 + b.rnd.nextInt(2)});
                }));
        r.put("Cast", Recipe.simple("Cast", ANY, (b, x) -> attrs("dtype",
                new String[] {"float32", "float64", "int32"}[b.rnd.nextInt(3)])));
        r.put("diag", Recipe.simple("diag", v -> v.rank() <= 3, (b, x) -> attrs("k", b.rnd.nextInt(3) - 1)));
        r.put("Pad", Recipe.simple("Pad", v -> v.rank() == 4 && v.isFloat(), (b, x) -> attrs(
                "mode", new String[] {"constant", "edge", "reflect"}[b.rnd.nextInt(3)],
                "pad_width", new int[] {0, 0, 0, 0, b.rnd.nextInt(2), b.rnd.nextInt(2), b.rnd.nextInt(2), 1},
                "constant_value", b.rnd.nextBoolean() ? 0.0 : 1.5)));
        r.put("Concat", joined("Concat", false));
        r.put("_rnn_param_concat", joined("_rnn_param_concat", false));
        r.put("stack", joined("stack", true));
        r.put("SliceChannel", Recipe.simple("SliceChannel", ANY, (b, x) -> {
            int axis = Recipe.axis(b.rnd, x.rank());
            int d = x.dim(axis < 0 ? axis + x.rank() : axis);
            List<Integer> divisors = new ArrayList<>();
            for (int k = 1; k <= d; k++) {
                if (d % k == 0) {
                    divisors.add(k);
                }
            }
            int n = divisors.get(b.rnd.nextInt(divisors.size()));
            return attrs("num_outputs", n, "axis", axis, "squeeze_axis", n == d && b.rnd.nextBoolean());
        }));
        r.put("_split_v2", Recipe.simple("_split_v2", ANY, (b, x) -> {
            int axis = Recipe.axis(b.rnd, x.rank());
            int d = x.dim(axis < 0 ? axis + x.rank() : axis);
            List<Integer> cuts = new ArrayList<>(List.of(0));
            for (int k = 1; k < d; k++) {
                if (b.rnd.nextBoolean()) {
                    cuts.add(k);
                }
            }
            return attrs("indices", cuts.stream().mapToInt(Integer::intValue).toArray(), "axis", axis);
        }));
    }

    /** Concat-like ops of {@code 1..3} inputs sharing the first's shape (except, for Concat, along the axis). */
    private static Recipe joined(String opName, boolean stack) {
        var op = OpRegistry.global().get(opName);
        return b -> {
            Value x = b.any();
            int n = 1 + b.rnd.nextInt(3);
            int axis = stack ? b.rnd.nextInt(x.rank() + 1) : Recipe.axis(b.rnd, x.rank());
            int ax = axis < 0 ? axis + x.rank() : axis;
            List<Input> in = new ArrayList<>(List.of(new Use(x)));
            for (int k = 1; k < n; k++) {
                Shape s = stack || b.rnd.nextBoolean() ? x.shape() : x.shape().with(ax, 1 + b.rnd.nextInt(3));
                in.add(b.like(s, x.dtype(), Domain.SIGNED));
            }
            return new Proposal(op, attrs("num_args", n, stack ? "axis" : "dim", axis), in);
        };
    }

    /** A reshape spec for {@code s}: a random regrouping of its size, with MXNet's special codes mixed in. */
    static int[] reshapeSpec(Random rnd, Shape s) {
        int[] d = s.dims();
        switch (rnd.nextInt(6)) {
            case 0 -> { // merge two leading axes, keep the rest
                return d.length >= 2 ? new int[] {-3, -2} : new int[] {-1};
            }
            case 1 -> { // split the first axis into (1, d0), copy the rest
                return d.length >= 1 ? new int[] {-4, 1, -1, -2} : new int[] {1};
            }
            case 2 -> { // copy the first axis, flatten the rest
                return d.length >= 1 ? new int[] {0, -1} : new int[] {-1};
            }
            default -> {
                List<Integer> target = new ArrayList<>();
                int size = s.size();
                while (size > 1 && target.size() < 3) {
                    List<Integer> divisors = new ArrayList<>();
                    for (int k = 2; k <= size; k++) {
                        if (size % k == 0) {
                            divisors.add(k);
                        }
                    }
                    int f = divisors.get(rnd.nextInt(divisors.size()));
                    target.add(f);
                    size /= f;
                }
                target.add(size);
                if (rnd.nextBoolean()) {
                    target.set(rnd.nextInt(target.size()), -1);
                }
                return target.stream().mapToInt(Integer::intValue).toArray();
            }
        }
    }

    private static int[] permutation(Random rnd, int r) {
        List<Integer> p = new ArrayList<>();
        for (int i = 0; i < r; i++) {
            p.add(i);
        }
        java.util.Collections.shuffle(p, rnd);
        return p.stream().mapToInt(Integer::intValue).toArray();
    }

    private static Map<String, Object> slice(Random rnd, Shape s) {
        int r = 1 + rnd.nextInt(s.rank());
        Integer[] begin = new Integer[r];
        Integer[] end = new Integer[r];
        Integer[] step = new Integer[r];
        for (int a = 0; a < r; a++) {
            int d = s.get(a);
            int lo = rnd.nextInt(d);
            int hi = lo + 1 + rnd.nextInt(d - lo);
            boolean back = rnd.nextInt(5) == 0;
            step[a] = back ? -1 : rnd.nextInt(4) == 0 ? 2 : 1;
            begin[a] = back ? hi - 1 : rnd.nextInt(5) == 0 ? null : lo;
            end[a] = back ? (lo == 0 ? null : lo - 1) : rnd.nextInt(5) == 0 ? null : hi;
        }
        return attrs("begin", tuple(begin), "end", tuple(end), "step", tuple(step));
    }

    private static String tuple(Integer[] v) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < v.length; i++) {
            sb.append(i > 0 ? ", " : "").append(v[i] == null ? "None" : v[i].toString());
        }
        return sb.append(v.length == 1 ? ",)" : ")").toString();
    }
}
