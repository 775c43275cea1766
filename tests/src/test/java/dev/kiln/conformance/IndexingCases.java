package dev.kiln.conformance;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;

import static dev.kiln.conformance.CaseSpec.fixed;
import static dev.kiln.conformance.CaseSpec.random;

/** Case table entries for indexing: take, pick, batch_take, one_hot, gather/scatter_nd, Embedding, sort and topk. */
final class IndexingCases {
    private IndexingCases() {
    }

    static List<CaseSpec> specs() {
        List<CaseSpec> specs = new ArrayList<>();
        specs.add(random("take", 16, r -> {
            Shape s = r.shape(1, 3, 1, 4);
            int axis = r.axis(s.rank());
            int n = s.get(s.normalizeAxis(axis));
            String mode = r.pick("clip", "wrap");
            NDArray idx = r.array(r.shape(1, 2, 1, 4), r.pick(DType.FLOAT32, DType.INT32), -n - 2, n + 2);
            return OpCase.of("take", r.floats(s), idx).attr("axis", axis).attr("mode", mode);
        }));
        specs.add(random("take default", 6, r -> {
            Shape s = r.shape(1, 3, 1, 4);
            return OpCase.of("take", r.floats(s), r.indices(r.shape(1, 2, 1, 3), s.get(0), DType.INT64));
        }));
        specs.add(random("pick", 12, r -> {
            Shape s = r.shape(2, 3, 1, 4);
            int axis = r.axis(s.rank());
            int n = s.get(s.normalizeAxis(axis));
            Shape is = s.remove(s.normalizeAxis(axis));
            String mode = r.pick("clip", "wrap");
            return OpCase.of("pick", r.floats(s), r.array(is, DType.FLOAT32, -n - 1, n + 1)).attr("axis", axis)
                    .attr("mode", mode).attr("keepdims", r.bool());
        }));
        specs.add(random("batch_take", 6, r -> {
            int n = r.intIn(1, 4);
            int k = r.intIn(1, 5);
            return OpCase.of("batch_take", r.floats(Shape.of(n, k)), r.indices(Shape.of(n), k, DType.INT32));
        }));
        specs.add(random("one_hot", 12, r -> {
            int depth = r.intIn(1, 5);
            OpCase c = OpCase.of("one_hot", r.array(r.shape(1, 2, 1, 4), DType.FLOAT32, -1, depth))
                    .attr("depth", depth);
            if (r.bool()) {
                c = c.attr("on_value", "2.5").attr("off_value", "-1");
            }
            return r.bool() ? c.attr("dtype", r.pick("int32", "float64", "uint8")) : c;
        }));
        specs.add(random("gather_nd", 8, r -> {
            Shape s = r.shape(2, 4, 2, 4);
            int m = r.intIn(1, s.rank());
            int k = r.intIn(1, 3);
            NDArray idx = NDArray.zeros(Shape.of(m, k), DType.INT32, Device.cpu());
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < k; j++) {
                    idx.setDouble(i * k + j, r.intIn(0, s.get(i) - 1));
                }
            }
            return OpCase.of("gather_nd", r.floats(s), idx);
        }));
        specs.add(fixed("scatter_nd", OpCase.of("scatter_nd", NDArray.of(Shape.of(3), 1, 2, 3),
                NDArray.of(Shape.of(2, 3), DType.INT32, 0, 1, 2, 1, 0, 3)).attr("shape", "(3, 4)")));
        specs.add(random("Embedding", 8, r -> {
            int in = r.intIn(1, 6);
            int out = r.intIn(1, 5);
            return OpCase.of("Embedding", r.array(r.shape(1, 3, 1, 4), DType.FLOAT32, 0, in - 1),
                    r.floats(Shape.of(in, out))).attr("input_dim", in).attr("output_dim", out);
        }));
        specs.add(random("sort", 12, r -> {
            Shape s = r.shape(1, 3, 1, 5);
            OpCase c = OpCase.of("sort", r.floats(s)).attr("is_ascend", r.bool());
            return r.bool() ? c.attr("axis", r.axis(s.rank())) : c.attr("axis", "None");
        }));
        specs.add(random("argsort", 12, r -> {
            Shape s = r.shape(1, 3, 1, 5);
            OpCase c = OpCase.of("argsort", r.floats(s)).attr("is_ascend", r.bool())
                    .attr("axis", r.axis(s.rank()));
            return r.bool() ? c : c.attr("dtype", r.pick("int32", "int64", "float64"));
        }));
        specs.add(random("topk", 16, r -> {
            Shape s = r.shape(1, 3, 1, 5);
            int axis = r.axis(s.rank());
            int k = r.intIn(1, s.get(s.normalizeAxis(axis)));
            return OpCase.of("topk", r.floats(s)).attr("axis", axis).attr("k", k)
                    .attr("ret_typ", r.pick("value", "indices", "both", "mask")).attr("is_ascend", r.bool());
        }));
        NDArray ties = NDArray.of(Shape.of(2, 5), 3, 1, 3, 2, 1, 0, 0, 5, 0, 5);
        for (boolean asc : new boolean[] {true, false}) {
            specs.add(fixed("argsort with ties, is_ascend=" + asc, OpCase.of("argsort", ties).attr("is_ascend", asc)));
            specs.add(fixed("topk indices with ties, is_ascend=" + asc, OpCase.of("topk", ties).attr("k", 3)
                    .attr("is_ascend", asc).attr("ret_typ", "both")));
        }
        // no sort with NaN: MXNet 1.9 returns [-1, 2, nan, 0, 3] for [2, nan, -1, 0, 3] (NaN breaks its comparison
        // sort); Kiln sorts NaN last: [-1, 0, 2, 3, nan]
        specs.add(fixed("topk with k=0 sorts the whole axis", OpCase.of("topk", ties).attr("k", 0)
                .attr("ret_typ", "value")));
        specs.add(fixed("take mode raise with an index out of range", OpCase.of("take", NDArray.ones(3, 2),
                NDArray.of(Shape.of(2), 1, 3)).attr("mode", "raise").expectRejected()));
        specs.add(fixed("Embedding with indices out of range", OpCase.of("Embedding",
                NDArray.of(Shape.of(4), -1, 0, 3, 4), NDArray.of(Shape.of(4, 2), 1, 2, 3, 4, 5, 6, 7, 8))
                .attr("input_dim", 4).attr("output_dim", 2)));
        specs.add(fixed("one_hot with indices out of range", OpCase.of("one_hot", NDArray.of(Shape.of(4), -1, 0, 3, 4))
                .attr("depth", 3)));
        specs.add(random("ravel_multi_index", 3, r -> {
            int n = r.intIn(1, 4);
            NDArray idx = NDArray.zeros(Shape.of(2, n), DType.FLOAT32, Device.cpu());
            for (int i = 0; i < n; i++) {
                idx.setDouble(i, r.intIn(0, 2));
                idx.setDouble(n + i, r.intIn(0, 3));
            }
            return OpCase.of("ravel_multi_index", idx).attr("shape", "(3, 4)");
        }));
        specs.add(random("unravel_index", 3, r -> OpCase.of("unravel_index", r.array(Shape.of(r.intIn(1, 5)),
                DType.FLOAT32, 0, 11)).attr("shape", "(3, 4)")));
        specs.add(random("SequenceMask", 8, r -> {
            int t = r.intIn(1, 4);
            int b = r.intIn(1, 3);
            return OpCase.of("SequenceMask", r.floats(Shape.of(t, b, r.intIn(1, 3))),
                    r.array(Shape.of(b), DType.FLOAT32, 1, t)).attr("use_sequence_length", true)
                    .attr("value", r.pick("0", "-1"));
        }));
        specs.add(random("SequenceLast", 6, r -> {
            int t = r.intIn(1, 4);
            int b = r.intIn(1, 3);
            return OpCase.of("SequenceLast", r.floats(Shape.of(t, b, r.intIn(1, 3))),
                    r.array(Shape.of(b), DType.FLOAT32, 1, t)).attr("use_sequence_length", true);
        }));
        specs.add(random("SequenceReverse", 6, r -> {
            int t = r.intIn(1, 4);
            int b = r.intIn(1, 3);
            return OpCase.of("SequenceReverse", r.floats(Shape.of(t, b, r.intIn(1, 3))),
                    r.array(Shape.of(b), DType.FLOAT32, 1, t)).attr("use_sequence_length", true);
        }));
        return specs;
    }
}
