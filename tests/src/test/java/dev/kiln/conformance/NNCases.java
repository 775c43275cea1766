package dev.kiln.conformance;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;

import static dev.kiln.conformance.CaseSpec.random;

/** Case table entries for neural-network ops: softmax family, normalisations, dropout, losses and outputs. */
final class NNCases {
    private NNCases() {
    }

    static List<CaseSpec> specs() {
        List<CaseSpec> specs = new ArrayList<>();
        for (String op : List.of("softmax", "log_softmax", "softmin")) {
            specs.add(random(op, 12, r -> {
                Shape s = r.shape(1, 4, 1, 5);
                DType t = r.pick(DType.FLOAT32, DType.FLOAT32, DType.FLOAT64);
                OpCase c = OpCase.of(op, r.array(s, t, -3, 3)).attr("axis", r.axis(s.rank()));
                return r.bool() ? c : c.attr("temperature", r.pick("0.5", "2.0"));
            }));
        }
        specs.add(random("softmax with length", 6, r -> {
            int b = r.intIn(1, 3);
            int n = r.intIn(1, 5);
            return OpCase.of("softmax", r.floats(Shape.of(b, n)), r.array(Shape.of(b), DType.INT32, 1, n))
                    .attr("axis", -1).attr("use_length", true);
        }));
        specs.add(random("softmax dtype", 6, r -> {
            Shape s = r.shape(1, 3, 1, 5);
            // MXNet computes a float32 input in float32 and widens the result; Kiln computes in float64, so only
            // float32 precision is common ground
            return OpCase.of(r.pick("softmax", "log_softmax"), r.floats(s)).attr("dtype", "float64")
                    .tol(Tolerance.FLOAT32);
        }));
        specs.add(random("SoftmaxOutput multi_output", 6, r -> {
            int b = r.intIn(1, 3);
            int n = r.intIn(2, 4);
            int k = r.intIn(1, 3);
            return OpCase.of("SoftmaxOutput", r.floats(Shape.of(b, n, k)), r.array(Shape.of(b, k), DType.FLOAT32, 0,
                    n - 1)).attr("multi_output", true);
        }));
        specs.add(random("SoftmaxOutput preserve_shape", 6, r -> {
            int b = r.intIn(1, 3);
            int t = r.intIn(1, 3);
            int n = r.intIn(2, 4);
            return OpCase.of("SoftmaxOutput", r.floats(Shape.of(b, t, n)), r.array(Shape.of(b, t), DType.FLOAT32, 0,
                    n - 1)).attr("preserve_shape", true);
        }));
        specs.add(random("SoftmaxActivation", 8, r -> OpCase.of("SoftmaxActivation", r.floats(r.shape(3, 4, 1, 4)))
                .attr("mode", r.pick("instance", "channel"))));
        specs.add(random("SoftmaxOutput", 6, r -> {
            int b = r.intIn(1, 4);
            int n = r.intIn(2, 5);
            return OpCase.of("SoftmaxOutput", r.floats(Shape.of(b, n)), r.array(Shape.of(b), DType.FLOAT32, 0, n - 1));
        }));
        specs.add(random("Dropout in predict mode", 6, r -> OpCase.of("Dropout", r.floats(r.shape()))
                .attr("p", r.pick("0.5", "0.1"))));
        specs.add(random("Dropout always with p=0", 2, r -> OpCase.of("Dropout", r.floats(r.shape()))
                .attr("p", "0").attr("mode", "always")));
        specs.add(random("Dropout p=0 in training", 2, r -> OpCase.of("Dropout", r.floats(r.shape()))
                .attr("p", "0").inTraining()));
        specs.add(random("BatchNorm inference", 12, r -> batchNorm(r, false)));
        specs.add(random("BatchNorm training", 12, r -> batchNorm(r, true)));
        specs.add(random("BatchNorm float64", 6, r -> {
            Shape s = r.shape(2, 4, 1, 4);
            Shape cs = Shape.of(s.get(1));
            DType t = DType.FLOAT64;
            return OpCase.of("BatchNorm", r.array(s, t, -2, 2), r.array(cs, t, 0.5, 1.5), r.array(cs, t, -1, 1),
                    r.array(cs, t, -0.5, 0.5), r.array(cs, t, 0.5, 2)).attr("fix_gamma", false);
        }));
        specs.add(random("LayerNorm", 12, r -> {
            Shape s = r.shape(1, 4, 1, 5);
            int axis = r.axis(s.rank());
            int c = s.get(s.normalizeAxis(axis));
            return OpCase.of("LayerNorm", r.floats(s), r.floats(Shape.of(c)), r.floats(Shape.of(c)))
                    .attr("axis", axis).attr("eps", r.pick("1e-05", "0.001")).attr("output_mean_var", r.bool());
        }));
        specs.add(random("InstanceNorm", 8, r -> {
            Shape s = r.shape(3, 4, 1, 4);
            return OpCase.of("InstanceNorm", r.floats(s), r.floats(Shape.of(s.get(1))), r.floats(Shape.of(s.get(1))))
                    .attr("eps", "0.001");
        }));
        specs.add(random("GroupNorm", 8, r -> {
            int groups = r.intIn(1, 3);
            Shape s = Shape.of(r.intIn(1, 2), groups * r.intIn(1, 2), r.intIn(1, 4), r.intIn(1, 4));
            return OpCase.of("GroupNorm", r.floats(s), r.floats(Shape.of(groups)), r.floats(Shape.of(groups)))
                    .attr("num_groups", groups).attr("eps", "1e-05");
        }));
        specs.add(random("L2Normalization", 12, r -> OpCase.of("L2Normalization", r.floats(r.shape(3, 4, 1, 4)))
                .attr("mode", r.pick("instance", "channel", "spatial")).attr("eps", "1e-10")));
        specs.add(random("LRN", 8, r -> OpCase.of("LRN", r.floats(Shape.of(r.intIn(1, 2), r.intIn(3, 6),
                r.intIn(1, 3), r.intIn(1, 3)))).attr("nsize", r.pick(1, 3, 5, 7)).attr("alpha", "0.0001")
                .attr("beta", "0.75").attr("knorm", r.pick("2", "1"))));
        specs.add(random("softmax_cross_entropy", 6, r -> {
            int b = r.intIn(1, 4);
            int n = r.intIn(2, 5);
            return OpCase.of("softmax_cross_entropy", r.floats(Shape.of(b, n)),
                    r.array(Shape.of(b), DType.FLOAT32, 0, n - 1));
        }));
        specs.add(random("CTCLoss", 8, NNCases::ctcCase));
        for (String op : List.of("LinearRegressionOutput", "LogisticRegressionOutput", "MAERegressionOutput")) {
            specs.add(random(op, 2, r -> {
                Shape s = Shape.of(r.intIn(1, 3), r.intIn(1, 4));
                return OpCase.of(op, r.floats(s), r.floats(s));
            }));
        }
        specs.add(random("MakeLoss", 2, r -> OpCase.of(r.pick("MakeLoss", "make_loss"), r.floats(r.shape()))));
        return specs;
    }

    private static OpCase batchNorm(CaseRandom r, boolean training) {
        Shape s = r.shape(2, 4, 1, 4);
        int axis = r.pick(1, 1, -1);
        int c = s.get(s.normalizeAxis(axis));
        Shape cs = Shape.of(c);
        NDArray gamma = r.array(cs, DType.FLOAT32, 0.5, 1.5);
        NDArray beta = r.floats(cs);
        NDArray mean = r.array(cs, DType.FLOAT32, -0.5, 0.5);
        NDArray var = r.array(cs, DType.FLOAT32, 0.5, 2);
        OpCase op = OpCase.of("BatchNorm", r.floats(s), gamma, beta, mean, var).attr("axis", axis)
                .attr("eps", r.pick("0.001", "1e-05")).attr("momentum", r.pick("0.9", "0.5"))
                .attr("fix_gamma", r.bool()).attr("use_global_stats", r.intIn(0, 3) == 0)
                .attr("output_mean_var", r.bool());
        return training ? op.inTraining() : op;
    }

    /**
     * A CTCLoss case: scores (time, batch, classes), labels that fit the time steps padded as the blank choice
     * requires (0 with the blank first, -1 with it last), and sometimes explicit data and label lengths.
     */
    private static OpCase ctcCase(CaseRandom r) {
        int time = r.intIn(3, 5);
        int batch = r.intIn(1, 3);
        int classes = r.intIn(3, 5);
        boolean first = r.bool();
        boolean dataLengths = r.bool();
        boolean labelLengths = r.bool();
        int maxLabel = r.intIn(1, 2);
        double[] label = new double[batch * maxLabel];
        double[] labelLen = new double[batch];
        double[] dataLen = new double[batch];
        for (int b = 0; b < batch; b++) {
            dataLen[b] = dataLengths ? r.intIn(Math.min(time, 2 * maxLabel), time) : time;
            // a batch whose labels are all empty makes MXNet read memory it never wrote (its costs are garbage),
            // so the first label is never empty
            int n = r.intIn(b == 0 ? 1 : 0, maxLabel);
            labelLen[b] = n;
            for (int i = 0; i < maxLabel; i++) {
                int token = first ? r.intIn(1, classes - 1) : r.intIn(0, classes - 2);
                label[b * maxLabel + i] = i < n || labelLengths ? token : first ? 0 : -1;
            }
        }
        List<NDArray> inputs = new ArrayList<>(List.of(r.floats(Shape.of(time, batch, classes)),
                NDArray.of(Shape.of(batch, maxLabel), DType.FLOAT32, label)));
        if (dataLengths) {
            inputs.add(NDArray.of(Shape.of(batch), DType.FLOAT32, dataLen));
        }
        if (labelLengths) {
            inputs.add(NDArray.of(Shape.of(batch), DType.FLOAT32, labelLen));
        }
        return OpCase.of("CTCLoss", inputs.toArray(NDArray[]::new)).attr("blank_label", first ? "first" : "last")
                .attr("use_data_lengths", dataLengths).attr("use_label_lengths", labelLengths);
    }
}
