package dev.kiln.conformance;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;

import static dev.kiln.conformance.CaseSpec.fixed;
import static dev.kiln.conformance.CaseSpec.random;

/** Case table entries for reductions: sum/mean/prod/max/min and their nan forms, norm, argmax/argmin, moments. */
final class ReduceCases {
    private ReduceCases() {
    }

    static List<CaseSpec> specs() {
        List<CaseSpec> specs = new ArrayList<>();
        for (String op : List.of("sum", "mean", "prod", "max", "min", "nansum", "nanprod")) {
            specs.add(random(op, 16, r -> {
                Shape s = r.shape(1, 4, 1, 5);
                DType t = r.pick(DType.FLOAT32, DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64);
                double lo = op.contains("prod") ? 0.5 : -2;
                double hi = op.contains("prod") ? 1.5 : 2;
                NDArray x = t.isFloating() ? r.array(s, t, lo, hi) : r.array(s, t, op.contains("prod") ? -2 : -5,
                        op.contains("prod") ? 2 : 5);
                if (op.startsWith("nan") && t.isFloating()) {
                    for (int i = 0; i < x.size(); i++) {
                        if (r.intIn(0, 3) == 0) {
                            x.setDouble(i, Double.NaN);
                        }
                    }
                }
                return axisAttrs(r, OpCase.of(op, x), s, true);
            }));
        }
        specs.add(random("sum float16", 6, r -> {
            Shape s = r.shape(1, 3, 1, 4);
            return axisAttrs(r, OpCase.of("sum", r.array(s, DType.FLOAT16, -1, 1)), s, false);
        }));
        specs.add(fixed("sum of a large row", OpCase.of("sum", NDArray.ones(3, 1000)).attr("axis", 1)));
        specs.add(random("sum exclude", 8, r -> {
            Shape s = r.shape(2, 4, 1, 4);
            return OpCase.of("sum", r.floats(s)).attr("axis", OpCase.tuple(r.axes(s.rank())))
                    .attr("exclude", true).attr("keepdims", r.bool());
        }));
        specs.add(fixed("sum axis out of range", OpCase.of("sum", NDArray.zeros(2, 3)).attr("axis", 2)
                .expectRejected()));
        for (String[] a : new String[][] {{"sum_axis", "sum"}, {"max_axis", "max"}, {"min_axis", "min"}}) {
            specs.add(random(a[0], 2, r -> {
                Shape s = r.shape(1, 3, 1, 4);
                return OpCase.of(a[0], r.floats(s)).attr("axis", r.axis(s.rank()));
            }));
        }
        specs.add(random("norm", 16, r -> {
            Shape s = r.shape(1, 4, 1, 5);
            OpCase c = OpCase.of("norm", r.floats(s)).attr("ord", r.pick(1, 2));
            return r.bool() ? c : c.attr("axis", r.bool() ? OpCase.tuple(r.axis(s.rank()))
                    : Integer.toString(r.axis(s.rank()))).attr("keepdims", r.bool());
        }));
        for (String op : List.of("argmax", "argmin")) {
            specs.add(random(op, 12, r -> {
                Shape s = r.shape(1, 4, 1, 5);
                DType t = r.pick(DType.FLOAT32, DType.FLOAT64, DType.INT32);
                NDArray x = t.isFloating() ? r.values(s, t) : r.array(s, t, -1000, 1000);
                OpCase c = OpCase.of(op, x).attr("keepdims", r.bool());
                return r.intIn(0, 3) == 0 ? c : c.attr("axis", r.axis(s.rank()));
            }));
        }
        specs.add(fixed("argmax picks the first of tied maxima", OpCase.of("argmax",
                NDArray.of(Shape.of(2, 4), 1, 3, 3, 0, 2, 2, 2, 2)).attr("axis", 1)));
        // no negative cumsum axis: MXNet 1.9 rejects axis=-1 ("index = -1 must be in range"), Kiln accepts it
        specs.add(random("cumsum", 12, r -> {
            Shape s = r.shape(1, 3, 1, 5);
            DType t = r.pick(DType.FLOAT32, DType.FLOAT64, DType.INT32);
            OpCase c = OpCase.of("cumsum", r.values(s, t));
            c = r.intIn(0, 2) == 0 ? c : c.attr("axis", r.intIn(0, s.rank() - 1));
            return r.bool() ? c : c.attr("dtype", r.pick("float64", "int64", "float32"));
        }));
        specs.add(random("argmax_channel", 6, r -> OpCase.of("argmax_channel", r.floats(r.shape(2, 2, 1, 5)))));
        specs.add(random("moments", 8, r -> {
            Shape s = r.shape(1, 4, 1, 5);
            return OpCase.of("moments", r.floats(s)).attr("axes", OpCase.tuple(r.axes(s.rank())))
                    .attr("keepdims", r.bool());
        }));
        return specs;
    }

    /** Adds a random {@code axis} (absent, an int, or a tuple) and {@code keepdims}. */
    private static OpCase axisAttrs(CaseRandom r, OpCase c, Shape s, boolean allowAll) {
        int kind = r.intIn(allowAll ? 0 : 1, 2);
        if (kind == 1) {
            c = c.attr("axis", Integer.toString(r.axis(s.rank())));
        } else if (kind == 2) {
            c = c.attr("axis", OpCase.tuple(r.axes(s.rank())));
        }
        return r.bool() ? c.attr("keepdims", r.bool()) : c;
    }
}
