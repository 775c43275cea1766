package dev.kiln.op.linalg;

import dev.kiln.kernel.gemm.Gemm;
import dev.kiln.kernel.gemm.PackedB;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.DerivedWeights;
import dev.kiln.op.EpilogueOp;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.OutputEpilogue;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;
import dev.kiln.parallel.Parallel;

import java.util.List;
import java.util.Map;

/**
 * MXNet's {@code FullyConnected}: {@code out = data * weight^T + bias} with weight (num_hidden, in). With
 * {@code flatten=True} data (b, d1, d2, ...) is read as (b, d1*d2*...) and the output is (b, num_hidden); with
 * {@code flatten=False} the product applies to the last axis and the output keeps the leading axes. The bias may be
 * (num_hidden,) or (num_hidden, 1), and is absent with {@code no_bias=True}. The gradient is built from dot with
 * transpose flags, {@code Flatten}/{@code reshape_like} for flattened data and {@code sum} for the bias.
 */
final class FullyConnectedOp extends OpDef implements EpilogueOp {
    /** Whether an inference weight may be kept packed ({@code -Dkiln.fc.keepPackedWeights=false} turns it off). */
    static final boolean KEEP_PACKED = !"false".equals(System.getProperty("kiln.fc.keepPackedWeights"));
    /** Bias elements one thread copies into the output before the product, at the least. */
    private static final int FILL_GRAIN = 1 << 15;
    static final AttrSpec<Integer> NUM_HIDDEN = AttrSpec.required("num_hidden", AttrType.INT,
            "Number of hidden nodes of the output.");
    static final AttrSpec<Boolean> NO_BIAS = AttrSpec.of("no_bias", AttrType.BOOL, false,
            "Whether to disable bias parameter.");
    static final AttrSpec<Boolean> FLATTEN = AttrSpec.of("flatten", AttrType.BOOL, true,
            "Whether to collapse all but the first axis of the input data tensor.");

    FullyConnectedOp() {
        super("FullyConnected", OpFamily.LINALG, List.of("data", "weight", "bias"),
                List.of(NUM_HIDDEN, NO_BIAS, FLATTEN));
    }

    @Override
    public String doc() {
        return "Applies a linear transformation: out = data * weight^T + bias.";
    }

    @Override
    public List<String> inputNames(Attrs attrs) {
        return attrs.get(NO_BIAS) ? List.of("data", "weight") : List.of("data", "weight", "bias");
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        return MatrixProducts.floatingTypes(this, attrs, inputTypes);
    }

    /** All inputs and the output share one floating dtype; the check runs once every input is known. */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unifyAll();
        slots.forward();
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        int hidden = attrs.get(NUM_HIDDEN);
        boolean flatten = attrs.get(FLATTEN);
        if (hidden < 1) {
            throw error("attribute 'num_hidden' must be positive, got " + hidden);
        }
        Shape data = in.get(0);
        if (data.rank() == 0) {
            throw error("input 'data' must have at least one dimension, got shape " + data);
        }
        int inputs = flatten ? data.sizeOf(1, data.rank()) : data.get(-1);
        Shape weight = in.get(1);
        if (!weight.equals(Shape.of(hidden, inputs))) {
            throw error("input 'weight' has shape " + weight + " but data " + data + " with num_hidden=" + hidden
                    + ", flatten=" + (flatten ? "True" : "False") + " needs (num_hidden, " + inputs + ") = "
                    + Shape.of(hidden, inputs));
        }
        if (!attrs.get(NO_BIAS)) {
            Shape bias = in.get(2);
            if (!bias.equals(Shape.of(hidden)) && !bias.equals(Shape.of(hidden, 1))) {
                throw error("input 'bias' has shape " + bias + " but num_hidden=" + hidden + " needs ("
                        + hidden + ",) or (" + hidden + ", 1)");
            }
        }
        Shape out = flatten ? Shape.of(data.get(0), hidden) : data.with(-1, hidden);
        return List.of(out);
    }

    /**
     * As MXNet: from the data, weight (num_hidden, inputs) and the output ((batch, num_hidden) flattened, else the
     * data with its last axis num_hidden), unknown dims staying unknown; the bias is (num_hidden,) unless already
     * known as (num_hidden, 1). Back from the output the data gets its batch (flattened) or leading dims, and from the
     * weight its input size (the one unknown flattened dim, if only one is).
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        Attrs attrs = slots.attrs();
        int hidden = attrs.get(NUM_HIDDEN);
        boolean flatten = attrs.get(FLATTEN);
        if (hidden >= 1) {
            if (!attrs.get(NO_BIAS)) {
                Shape bias = slots.input(2);
                boolean column = ShapeSlots.isRankKnown(bias) && bias.rank() == 2;
                slots.assignInput(2, column ? Shape.of(hidden, 1) : Shape.of(hidden));
            }
            dataFromWeightAndOutput(slots, flatten);
            Shape data = slots.input(0);
            if (ShapeSlots.isRankKnown(data) && data.rank() >= 1) {
                int inputs = flatten ? ShapeSlots.product(data, 1, data.rank()) : data.get(-1);
                slots.assignInput(1, Shape.partial(hidden, inputs));
                slots.assignOutput(0, flatten ? Shape.partial(data.get(0), hidden) : data.with(-1, hidden));
            }
        }
        slots.forward();
    }

    private static void dataFromWeightAndOutput(ShapeSlots slots, boolean flatten) {
        Shape out = slots.output(0);
        if (!flatten && ShapeSlots.isRankKnown(out) && out.rank() >= 1) {
            slots.learnInput(0, out.with(-1, Shape.UNKNOWN));
        }
        Shape data = slots.input(0);
        if (!ShapeSlots.isRankKnown(data) || data.rank() == 0) {
            return;
        }
        int rank = data.rank();
        if (flatten && ShapeSlots.isRankKnown(out) && out.rank() == 2) {
            slots.learnInput(0, ShapeSlots.unknownDims(rank).with(0, out.get(0)));
        }
        Shape weight = slots.input(1);
        if (ShapeSlots.isRankKnown(weight) && weight.rank() == 2) {
            slots.learnInput(0, flatten ? ShapeSlots.fillProduct(slots.input(0), 1, rank, weight.get(1))
                    : ShapeSlots.unknownDims(rank).with(rank - 1, weight.get(1)));
        }
    }

    /** Bias rows, or a GEMM that does not read the result, write every element. */
    @Override
    public boolean fillsOutputs(Attrs attrs) {
        return true;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        return List.of(MatrixProducts.output(call, 0, product(call, null, null)));
    }

    @Override
    public boolean acceptsEpilogue(Attrs attrs, DType dtype) {
        return dtype == DType.FLOAT32 || dtype == DType.FLOAT64;
    }

    /** The product with {@code epilogue} run on each block of rows (or row segments) the GEMM's threads finish. */
    @Override
    public NDArray computeWithEpilogue(Invocation call, OutputEpilogue epilogue) {
        return MatrixProducts.output(call, 0, product(call, epilogue, null));
    }

    /**
     * As {@link #computeWithEpilogue(Invocation, OutputEpilogue)}, keeping a float32 weight packed for the GEMM in
     * {@code derived}: packing it (a transposition) on every call costs more than the product at small batches.
     */
    @Override
    public NDArray computeWithEpilogue(Invocation call, OutputEpilogue epilogue, DerivedWeights derived) {
        return MatrixProducts.output(call, 0, product(call, epilogue, derived));
    }

    /** The (rows, hidden) result in the compute type: bias rows, then the GEMM accumulating onto them. */
    private Object product(Invocation call, OutputEpilogue epilogue, DerivedWeights derived) {
        int hidden = call.attr(NUM_HIDDEN);
        NDArray data = call.input(0);
        NDArray weight = call.input(1);
        Shape out = call.outputShapes().get(0);
        int rows = out.size() / hidden;
        int inputs = weight.shape().get(1);
        Object c = MatrixProducts.resultArray(call, 0);
        boolean bias = !call.attr(NO_BIAS);
        int k = rows == 0 || data.size() == 0 ? 0 : inputs;
        boolean kept = c instanceof float[] && derived != null && KEEP_PACKED && k > 0 && out.size() > 0
                && Gemm.packsB(rows, hidden);
        if (bias && !kept) {
            fillRows(c, MatrixProducts.computeData(call.input(2)), rows, hidden);
        }
        if (out.size() == 0) {
            return c;
        }
        Object a = MatrixProducts.computeData(data);
        Object b = MatrixProducts.computeData(weight);
        int ld = Math.max(1, inputs);
        if (kept) {
            float[] w = (float[]) b;
            float[] cf = (float[]) c;
            PackedB packed = derived.get(weight, List.of("FullyConnected", hidden, k),
                    () -> Gemm.packB(true, k, hidden, w, 0, ld));
            Gemm.BlockDone done = epilogue == null ? null : rowRanges(epilogue, c, hidden);
            // the kernel adds the bias as it stores its first depth block: the sums of a C pre-filled with it
            if (bias) {
                Gemm.sgemm(rows, k, (float[]) a, 0, ld, packed, (float[]) MatrixProducts.computeData(call.input(2)),
                        cf, 0, hidden, done);
            } else {
                Gemm.sgemm(rows, k, (float[]) a, 0, ld, packed, 0f, cf, 0, hidden, done);
            }
        } else if (epilogue == null) {
            MatrixProducts.gemmBatch(false, true, rows, hidden, k, 1.0, a, new int[] {0}, ld, b, new int[] {0}, ld,
                    bias ? 1.0 : 0.0, c, new int[] {0}, hidden);
        } else if (c instanceof float[] cf) {
            Gemm.sgemm(false, true, rows, hidden, k, 1f, (float[]) a, 0, ld, (float[]) b, 0, ld, bias ? 1f : 0f,
                    cf, 0, hidden, rowRanges(epilogue, c, hidden));
        } else {
            Gemm.dgemm(false, true, rows, hidden, k, 1.0, (double[]) a, 0, ld, (double[]) b, 0, ld, bias ? 1.0 : 0.0,
                    (double[]) c, 0, hidden, rowRanges(epilogue, c, hidden));
        }
        return c;
    }

    /** A finished GEMM block as output ranges: one range for whole rows, else one per row segment. */
    private static Gemm.BlockDone rowRanges(OutputEpilogue epilogue, Object c, int hidden) {
        return (r0, r1, c0, c1) -> {
            if (c0 == 0 && c1 == hidden) {
                epilogue.apply(c, r0 * hidden, r1 * hidden);
                return;
            }
            for (int r = r0; r < r1; r++) {
                epilogue.apply(c, r * hidden + c0, r * hidden + c1);
            }
        };
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        boolean flatten = g.attr(FLATTEN);
        T og = g.outGrad(0);
        T data = g.input(0);
        T weight = g.input(1);
        T dData = null;
        if (g.requiresGrad(0)) {
            T d2 = g.apply("dot", og, weight); // (rows, hidden) x (hidden, in); dot reads og's leading axes as rows
            dData = flatten ? g.apply("reshape_like", d2, data) : d2;
        }
        T dWeight = null;
        if (g.requiresGrad(1)) {
            T rows = flatten ? g.apply("Flatten", data) : g.apply("Reshape", ROWS_LAST, data);
            T ogRows = flatten ? og : g.apply("Reshape", ROWS_LAST, og);
            dWeight = g.apply("dot", Map.of("transpose_a", true), ogRows, rows);
        }
        if (g.attr(NO_BIAS)) {
            return g.grads(dData, dWeight);
        }
        T dBias = null;
        if (g.requiresGrad(2)) {
            T summed = g.apply("sum", Map.of("axis", new int[] {-1}, "exclude", true), og);
            dBias = g.apply("reshape_like", summed, g.input(2)); // the bias may be (num_hidden, 1)
        }
        return g.grads(dData, dWeight, dBias);
    }

    /** {@code Reshape} codes for (all but the last axis, the last axis), read from the right. */
    private static final Map<String, Object> ROWS_LAST = Map.of("shape", new int[] {-1, 0}, "reverse", true);

    /** Every row of the (rows, hidden) result starts as the bias. */
    private static void fillRows(Object c, Object bias, int rows, int hidden) {
        // split over the threads: a transformer layer's products start from 9 MB of bias rows per forward, which one
        // thread wrote in 2% of the step
        Parallel.forRange(rows, Math.max(1, FILL_GRAIN / Math.max(1, hidden)), (from, to) -> {
            for (int r = from; r < to; r++) {
                System.arraycopy(bias, 0, c, r * hidden, hidden);
            }
        });
    }
}
