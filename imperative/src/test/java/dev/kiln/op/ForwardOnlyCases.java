package dev.kiln.op;

import dev.kiln.autograd.GradReq;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.custom.CustomOp;
import dev.kiln.op.custom.CustomOpProp;
import dev.kiln.op.custom.CustomOps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Inference cases for the ops no gradient case covers (comparisons, rounding, arg-reductions, creation and random
 * ops, SoftmaxOutput, Custom, ...) and mixed-dtype applications of the others: integer indices with 16-bit weights,
 * casts, index outputs of a chosen dtype.
 */
final class ForwardOnlyCases {
    /** The custom operator type these cases register: the identity. */
    static final String CUSTOM_TYPE = "inference_test_identity";

    private final Random random = new Random(4);
    private final List<InferenceCase> cases = new ArrayList<>();

    private ForwardOnlyCases() {
    }

    static List<InferenceCase> cases() {
        ForwardOnlyCases c = new ForwardOnlyCases();
        c.elementwise();
        c.reductionsAndIndexing();
        c.nn();
        c.creationAndRandom();
        c.optimizer();
        c.image();
        c.custom();
        return c.cases;
    }

    private void elementwise() {
        for (String op : List.of("_equal", "_not_equal", "_greater", "_greater_equal", "_lesser", "_lesser_equal",
                "_logical_and", "_logical_or", "_logical_xor")) {
            add(op, Map.of(), array(DType.FLOAT32, 2, 3), array(DType.FLOAT32, 2, 3));
        }
        add("_equal", Map.of(), array(DType.INT32, 4), array(DType.INT32, 4));
        for (String op : List.of("broadcast_logical_and", "broadcast_logical_or", "broadcast_logical_xor",
                "broadcast_not_equal")) {
            add(op, Map.of(), array(DType.FLOAT64, 2, 3), array(DType.FLOAT64, 1, 3));
        }
        add("broadcast_not_equal", Map.of(), array(DType.INT64, 3, 1), array(DType.INT64, 4));
        for (String op : List.of("_equal_scalar", "_not_equal_scalar", "_logical_and_scalar", "_logical_or_scalar",
                "_logical_xor_scalar")) {
            add(op, Map.of("scalar", 1.0), array(DType.FLOAT32, 2, 3));
        }
        add("_equal_scalar", Map.of("scalar", 2.0), array(DType.INT32, 5));
        add("_logical_and_scalar", Map.of("scalar", 1.0), array(DType.BOOL, 2, 2));
        add("_plus_scalar", Map.of("scalar", 1.5, "is_int", false), array(DType.INT32, 3));
        add("_mul_scalar", Map.of("scalar", 2.0, "is_int", false), array(DType.BOOL, 3));
        for (String op : List.of("ceil", "fix", "rint", "round", "trunc", "logical_not")) {
            add(op, Map.of(), array(DType.FLOAT16, 2, 3));
        }
        add("round", Map.of(), array(DType.INT32, 4));
        for (String op : List.of("isfinite", "isinf", "isnan")) {
            add(op, Map.of(), array(DType.FLOAT32, 3, 2));
            add(op, Map.of(), array(DType.INT64, 2));
        }
        add("BlockGrad", Map.of(), array(DType.FLOAT32, 2, 3));
        add("ones_like", Map.of(), array(DType.INT64, 3, 1));
        add("Cast", Map.of("dtype", "float16"), array(DType.INT32, 2, 3));
        add("Cast", Map.of("dtype", "int8"), array(DType.FLOAT64, 4));
        add("shape_array", Map.of(), array(DType.FLOAT16, 2, 3, 4));
        add("size_array", Map.of(), array(DType.UINT8, 5, 2));
    }

    private void reductionsAndIndexing() {
        add("argmax", Map.of("axis", 1), array(DType.FLOAT32, 3, 4));
        add("argmax", Map.of(), array(DType.INT32, 2, 3));
        add("argmin", Map.of("axis", 0, "keepdims", true), array(DType.FLOAT64, 3, 4));
        add("argsort", Map.of("dtype", "int32"), array(DType.FLOAT16, 3, 4));
        add("topk", Map.of("k", 2, "ret_typ", "both", "dtype", "int64"), array(DType.FLOAT32, 3, 5));
        add("topk", Map.of("k", 2, "axis", 0, "ret_typ", "indices"), array(DType.FLOAT64, 4, 2));
        add("topk", Map.of("k", 2, "ret_typ", "mask"), array(DType.FLOAT32, 3, 5));
        add("cumsum", Map.of("axis", 0), array(DType.BOOL, 3, 2));
        add("norm", Map.of("axis", 1, "out_dtype", "float64"), array(DType.FLOAT32, 2, 3));
        add("one_hot", Map.of("depth", 5, "dtype", "float16"), indices(DType.INT32, 5, 4));
        add("one_hot", Map.of("depth", 3), indices(DType.FLOAT32, 3, 2, 2));
        add("Embedding", Map.of("input_dim", 6, "output_dim", 3, "dtype", "float16"), indices(DType.INT32, 6, 2, 4),
                array(DType.FLOAT16, 6, 3));
        add("Embedding", Map.of("input_dim", 5, "output_dim", 2), indices(DType.INT64, 5, 3), array(DType.FLOAT32, 5, 2));
        add("take", Map.of("axis", 1), array(DType.FLOAT16, 3, 4, 2), indices(DType.INT64, 4, 2, 5));
        add("pick", Map.of("axis", 1), array(DType.FLOAT64, 3, 4), indices(DType.INT32, 4, 3));
        add("gather_nd", Map.of(), array(DType.INT32, 3, 4), indices(DType.INT64, 3, 2, 5));
        add("where", Map.of(), indices(DType.INT32, 2, 3, 2), array(DType.FLOAT16, 3, 2), array(DType.FLOAT16, 3, 2));
        add("SequenceMask", Map.of("use_sequence_length", true), array(DType.FLOAT32, 4, 3, 2),
                indices(DType.INT32, 5, 3));
    }

    private void nn() {
        add("SoftmaxOutput", Map.of(), array(DType.FLOAT32, 4, 5), indices(DType.FLOAT32, 5, 4));
        add("SoftmaxOutput", Map.of("multi_output", true), array(DType.FLOAT64, 2, 3, 4),
                indices(DType.FLOAT64, 3, 2, 4));
        add("SoftmaxOutput", Map.of("preserve_shape", true), array(DType.FLOAT32, 2, 3, 4), array(DType.FLOAT32, 2, 3, 4));
        add("BatchNorm", Map.of("fix_gamma", false), array(DType.FLOAT16, 2, 3, 4), array(DType.FLOAT32, 3),
                array(DType.FLOAT32, 3), array(DType.FLOAT32, 3), positive(3));
        add("softmax", Map.of("dtype", "float64"), array(DType.FLOAT32, 2, 5));
        add("softmax", Map.of("use_length", true, "axis", 0), array(DType.FLOAT32, 4, 3), indices(DType.INT64, 5, 3));
        add("Convolution", Map.of("kernel", "(3,)", "num_filter", 4, "layout", "NWC", "no_bias", true),
                array(DType.FLOAT16, 2, 7, 3), array(DType.FLOAT16, 4, 3, 3));
        add("Deconvolution", Map.of("kernel", "(3, 3)", "num_filter", 2, "stride", "(2, 2)", "target_shape", "(8, 7)"),
                array(DType.FLOAT32, 1, 3, 4, 4), array(DType.FLOAT32, 3, 2, 3, 3));
    }

    private void image() {
        add("_image_to_tensor", Map.of(), array(DType.UINT8, 2, 3, 3));
        add("_image_to_tensor", Map.of(), array(DType.FLOAT64, 2, 2, 3, 1));
        add("_image_resize", Map.of("size", "(3, 2)"), array(DType.FLOAT32, 4, 5, 3));
        add("_image_resize", Map.of("size", 2, "keep_ratio", true, "interp", 0), array(DType.UINT8, 2, 3, 4, 1));
        add("_image_random_flip_left_right", Map.of(), array(DType.FLOAT32, 2, 3, 3));
        add("_image_random_flip_top_bottom", Map.of(), array(DType.UINT8, 2, 3, 1));
    }

    private void creationAndRandom() {
        add("_zeros", Map.of("shape", "(2, 3)", "dtype", "int32"));
        add("_ones", Map.of("shape", "(4,)", "dtype", "float16"));
        add("_full", Map.of("shape", "(1, 2)", "value", 3.5, "dtype", "float64"));
        add("_arange", Map.of("start", 1.0, "stop", 7.0, "step", 2.0, "repeat", 2, "dtype", "int64"));
        add("_linspace", Map.of("start", 0.0, "stop", 1.0, "num", 5));
        add("_eye", Map.of("N", 3L, "M", 4L, "dtype", "uint8"));
        add("_random_uniform", Map.of("shape", "(3, 2)", "dtype", "float64"));
        add("_random_normal", Map.of("shape", "(2,)"));
        add("_random_randint", Map.of("low", 0L, "high", 9L, "shape", "(2, 2)", "dtype", "int64"));
        add("_shuffle", Map.of(), array(DType.INT32, 5, 2));
        add("_sample_multinomial", Map.of("shape", "(3,)", "get_prob", true, "dtype", "int32"), probabilities(2, 4));
    }

    /** The fused optimizer updates: the weight, gradient and states share a shape; LAMB's norms are one element. */
    private void optimizer() {
        Map<String, Object> lr = Map.of("lr", 0.1);
        add("sgd_update", lr, array(DType.FLOAT32, 2, 3), array(DType.FLOAT32, 2, 3));
        add("signsgd_update", lr, array(DType.FLOAT64, 4), array(DType.FLOAT64, 4));
        for (String op : List.of("sgd_mom_update", "nag_mom_update", "signum_update", "rmsprop_update")) {
            add(op, lr, array(DType.FLOAT32, 3, 2), array(DType.FLOAT32, 3, 2), array(DType.FLOAT32, 3, 2));
        }
        add("adam_update", lr, array(DType.FLOAT16, 5), array(DType.FLOAT16, 5), array(DType.FLOAT16, 5),
                positive(5).astype(DType.FLOAT16));
        add("ftrl_update", lr, array(DType.FLOAT32, 2, 2), array(DType.FLOAT32, 2, 2), array(DType.FLOAT32, 2, 2),
                positive(4).reshape(2, 2));
        add("rmspropalex_update", lr, array(DType.FLOAT32, 3), array(DType.FLOAT32, 3), positive(3).mulInPlace(4),
                array(DType.FLOAT32, 3).mulInPlace(0.1), array(DType.FLOAT32, 3));
        add("lamb_update_phase1", Map.of("t", 2, "wd", 0.01), array(DType.FLOAT32, 2, 2), array(DType.FLOAT32, 2, 2),
                array(DType.FLOAT32, 2, 2), positive(4).reshape(2, 2));
        add("lamb_update_phase2", lr, array(DType.FLOAT32, 3, 1), array(DType.FLOAT32, 3, 1), positive(1),
                positive(1));
        add("_adamw_update", Map.of("lr", 1, "eta", 0.1), array(DType.FLOAT32, 4), array(DType.FLOAT32, 4),
                array(DType.FLOAT32, 4), positive(4), positive(1));
    }

    /** A custom identity op registered for these cases; its gradient gives {@code _backward_Custom}. */
    private void custom() {
        CustomOps.register(CUSTOM_TYPE, kwargs -> new CustomOpProp() {
            @Override
            public CustomOp createOperator(Device device, List<Shape> inShapes, List<DType> inTypes) {
                return new CustomOp() {
                    @Override
                    public void forward(boolean isTrain, List<GradReq> req, List<NDArray> in, List<NDArray> out,
                                        List<NDArray> aux) {
                        in.get(0).copyTo(out.get(0));
                    }

                    @Override
                    public void backward(List<GradReq> req, List<NDArray> outGrad, List<NDArray> in,
                                         List<NDArray> out, List<NDArray> inGrad, List<NDArray> aux) {
                        outGrad.get(0).copyTo(inGrad.get(0));
                    }
                };
            }
        });
        add("Custom", Map.of("op_type", CUSTOM_TYPE), array(DType.FLOAT32, 2, 3));
    }

    private void add(String op, Map<String, ?> attrs, NDArray... inputs) {
        cases.add(new InferenceCase(op, op, new LinkedHashMap<>(attrs), List.of(inputs), false));
    }

    /** Values in [-2, 2) of the dtype (0 and 1 for bool). */
    private NDArray array(DType dtype, int... dims) {
        NDArray a = NDArray.zeros(Shape.of(dims), dtype, Device.cpu());
        for (int i = 0; i < a.size(); i++) {
            a.setDouble(i, dtype == DType.BOOL ? random.nextInt(2) : random.nextInt(8) * 0.5 - 2);
        }
        return a;
    }

    /** Integers in [0, bound) of the dtype: indices, labels and lengths. */
    private NDArray indices(DType dtype, int bound, int... dims) {
        NDArray a = NDArray.zeros(Shape.of(dims), dtype, Device.cpu());
        for (int i = 0; i < a.size(); i++) {
            a.setDouble(i, random.nextInt(bound));
        }
        return a;
    }

    private NDArray positive(int n) {
        NDArray a = NDArray.zeros(Shape.of(n), DType.FLOAT32, Device.cpu());
        for (int i = 0; i < n; i++) {
            a.setDouble(i, 0.5 + random.nextDouble());
        }
        return a;
    }

    private NDArray probabilities(int rows, int classes) {
        NDArray a = NDArray.zeros(Shape.of(rows, classes), DType.FLOAT32, Device.cpu());
        for (int i = 0; i < a.size(); i++) {
            a.setDouble(i, 1.0 / classes);
        }
        return a;
    }
}
