package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpContext;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;
import dev.kiln.parallel.Parallel;

import java.util.List;
import java.util.Map;

/**
 * MXNet's {@code BatchNorm} over the channel axis {@code axis}. In training mode (and unless
 * {@code use_global_stats}) it normalises with the batch mean and biased (1/N) variance of each channel and updates
 * the auxiliary states in place: {@code moving = momentum * moving + (1 - momentum) * batch}. Otherwise it uses
 * {@code moving_mean} and {@code moving_var}. With {@code fix_gamma}, gamma is taken as 1. With
 * {@code output_mean_var} the op also returns the mean and the inverse standard deviation
 * {@code 1/sqrt(var + eps)} it used (MXNet's output named "var"); without it these two stay hidden outputs kept for
 * the gradient, as in MXNet. For float16 data the parameters and statistics are float32, as in MXNet. The gradient
 * ({@code _backward_BatchNorm}) never touches the moving statistics: Kiln updated them in the forward call.
 */
class BatchNormOp extends NNOp {
    static final AttrSpec<Double> EPS = AttrSpec.of("eps", AttrType.FLOAT, 1e-3, "added to the variance");
    static final AttrSpec<Double> MOMENTUM = AttrSpec.of("momentum", AttrType.FLOAT, 0.9,
            "momentum of the moving averages");
    static final AttrSpec<Boolean> FIX_GAMMA = AttrSpec.of("fix_gamma", AttrType.BOOL, true, "treat gamma as 1");
    static final AttrSpec<Boolean> USE_GLOBAL_STATS = AttrSpec.of("use_global_stats", AttrType.BOOL, false,
            "normalise with the moving statistics even in training");
    static final AttrSpec<Boolean> OUTPUT_MEAN_VAR = AttrSpec.of("output_mean_var", AttrType.BOOL, false,
            "also output the mean and the inverse standard deviation");
    static final AttrSpec<Integer> AXIS = AttrSpec.of("axis", AttrType.INT, 1, "the channel axis");
    static final AttrSpec<Boolean> CUDNN_OFF = AttrSpec.of("cudnn_off", AttrType.BOOL, false,
            "accepted for compatibility; ignored on the CPU");
    static final AttrSpec<Double> MIN_CALIB_RANGE = AttrSpec.optional("min_calib_range", AttrType.FLOAT,
            "quantisation calibration minimum; accepted and ignored");
    static final AttrSpec<Double> MAX_CALIB_RANGE = AttrSpec.optional("max_calib_range", AttrType.FLOAT,
            "quantisation calibration maximum; accepted and ignored");

    private static final List<String> INPUTS = List.of("data", "gamma", "beta", "moving_mean", "moving_var");
    private static final List<AttrSpec<?>> ATTRS = List.of(EPS, MOMENTUM, FIX_GAMMA, USE_GLOBAL_STATS,
            OUTPUT_MEAN_VAR, AXIS, CUDNN_OFF, MIN_CALIB_RANGE, MAX_CALIB_RANGE);

    /** Whether output 0 is passed through relu (the fused variant, {@link BatchNormReluOp}). */
    private final boolean relu;

    BatchNormOp() {
        super("BatchNorm", INPUTS, ATTRS, "_npx_batch_norm");
        this.relu = false;
    }

    /** A variant named {@code name} whose output 0 is {@code relu} of BatchNorm's. */
    BatchNormOp(String name) {
        super(name, INPUTS, ATTRS);
        this.relu = true;
    }

    @Override
    public String doc() {
        return "Batch normalisation over a channel axis, updating moving statistics in training.";
    }

    @Override
    public List<Integer> auxInputIndices(Attrs attrs) {
        return List.of(3, 4);
    }

    /** In training with batch statistics, a call moves the moving mean and variance in place. */
    @Override
    public boolean hasSideEffects(Attrs attrs, boolean training) {
        return training && !attrs.get(USE_GLOBAL_STATS);
    }

    @Override
    public int numOutputs(Attrs attrs) {
        return 3;
    }

    @Override
    public String inputVariableInit(Attrs attrs, int index) {
        return switch (index) {
            case 3 -> "[\"zero\", {}]";
            case 4 -> "[\"one\", {}]";
            default -> null;
        };
    }

    @Override
    public int numVisibleOutputs(Attrs attrs) {
        return attrs.get(OUTPUT_MEAN_VAR) ? 3 : 1;
    }

    @Override
    public List<String> outputNames(Attrs attrs) {
        return List.of("output", "mean", "var");
    }

    /** The dtype of gamma, beta and the statistics: float32 for 16-bit data, else the data's. */
    static DType paramType(DType data) {
        return data == DType.FLOAT16 || data == DType.BFLOAT16 ? DType.FLOAT32 : data;
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        DType data = requireFloating(attrs, inputTypes, 0);
        DType param = paramType(data);
        for (int i = 1; i < 5; i++) {
            requireDType(attrs, inputTypes, i, param, "parameters and statistics of " + data + " data are " + param);
        }
        return List.of(data, param, param);
    }

    static int axis(NNOp op, Attrs attrs, Shape data) {
        int a = attrs.get(AXIS);
        int norm = a < 0 ? a + data.rank() : a;
        if (norm < 0 || norm >= data.rank()) {
            throw op.error("attribute 'axis' " + a + " is out of range for 'data' of shape " + data);
        }
        return norm;
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        Shape data = inputShapes.get(0);
        int axis = axis(this, attrs, data);
        Shape channels = Shape.of(data.get(axis));
        for (int i = 1; i < 5; i++) {
            requireShape(attrs, inputShapes, i, channels, "one value per channel: axis " + axis + " of 'data' "
                    + data);
        }
        return List.of(data, channels, channels);
    }

    private static final int[] PARAMS = {1, 2, 3, 4};
    private static final int[] STATS = {1, 2};

    /**
     * As MXNet: gamma, beta, the moving statistics and the mean and var outputs are all (channels,), channels being
     * the data's size along {@code axis}; output 0 has the data's shape. A known parameter gives back the channels.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        Shape data = slots.unify(new int[] {0}, new int[] {0});
        Shape channels = slots.unify(PARAMS, STATS);
        if (ShapeSlots.isRankKnown(data)) {
            int axis = axis(this, slots.attrs(), data);
            if (ShapeSlots.isRankKnown(channels) && channels.rank() == 1) {
                slots.learnInput(0, ShapeSlots.unknownDims(data.rank()).with(axis, channels.get(0)));
                data = slots.unify(new int[] {0}, new int[] {0});
            }
            slots.assignInput(PARAMS[0], Shape.partial(data.get(axis)));
            slots.unify(PARAMS, STATS);
        }
        slots.forward();
    }

    /**
     * Output 0 has the data's dtype; the parameters, statistics and the mean and var outputs share the parameter
     * dtype, float32 for 16-bit data and the data's otherwise, so only a parameter dtype other than float32 gives the
     * data's back.
     */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        DType data = slots.unify(new int[] {0}, new int[] {0});
        DType param = slots.unify(PARAMS, STATS);
        if (data != null) {
            slots.assignInput(PARAMS[0], paramType(data));
            slots.unify(PARAMS, STATS);
        } else if (param != null && param != DType.FLOAT32) {
            slots.assignInput(0, param);
            slots.unify(new int[] {0}, new int[] {0});
        }
        slots.forward();
    }

    /** The normalised data and the per-channel statistics are assigned element by element. */
    @Override
    public boolean fillsOutputs(Attrs attrs) {
        return true;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(0);
        NDArray movingMean = call.input(3);
        NDArray movingVar = call.input(4);
        Rows layout = Rows.along(x.shape(), axis(this, call.attrs(), x.shape()));
        int channels = layout.length();
        double eps = call.attr(EPS);
        double momentum = asFloat(call.attr(MOMENTUM));
        boolean batchStats = OpContext.isTraining() && !call.attr(USE_GLOBAL_STATS);
        double[] gamma = call.attr(FIX_GAMMA) ? null : Rows.all(call.input(1));
        double[] beta = Rows.all(call.input(2));
        double[] mean = Rows.all(movingMean);
        double[] var = Rows.all(movingVar);
        double[] invStd = new double[channels];
        NDArray out = call.newOutput(0);
        Stats st = new Stats(gamma, mean, var, invStd, batchStats, eps);
        int perChannel = layout.outer() * layout.inner();
        Parallel.forRange(channels, grain(perChannel), (from, to) -> {
            if (x.data() instanceof float[] xs && out.data() instanceof float[] ys) {
                double[] moments = new double[2];
                for (int c = from; c < to; c++) {
                    if (batchStats) {
                        BatchNormKernels.moments(xs, layout, c, moments);
                        mean[c] = moments[0];
                        st.batch(c, moments[1], perChannel);
                    } else {
                        st.moving(c);
                    }
                    BatchNormKernels.normalise(xs, ys, layout, c, mean[c], st.scale(c), beta[c], relu);
                }
                return;
            }
            double[] buf = new double[perChannel];
            for (int c = from; c < to; c++) {
                gatherChannel(x, layout, c, buf);
                if (batchStats) {
                    double sum = 0;
                    for (double v : buf) {
                        sum += v;
                    }
                    mean[c] = sum / perChannel;
                    double sq = 0;
                    for (double v : buf) {
                        double d = v - mean[c];
                        sq += d * d;
                    }
                    st.batch(c, sq, perChannel);
                } else {
                    st.moving(c);
                }
                double scale = st.scale(c);
                double m = mean[c];
                double b = beta[c];
                for (int j = 0; j < perChannel; j++) {
                    buf[j] = relu ? Math.max((buf[j] - m) * scale + b, 0) : (buf[j] - m) * scale + b;
                }
                scatterChannel(buf, out, layout, c);
            }
        });
        if (batchStats) {
            updateMoving(movingMean, mean, momentum);
            updateMoving(movingVar, var, momentum);
        }
        NDArray meanOut = call.newOutput(1);
        NDArray invStdOut = call.newOutput(2);
        Rows.scatter(mean, 0, meanOut, 0, 1, channels);
        Rows.scatter(invStd, 0, invStdOut, 0, 1, channels);
        return List.of(out, meanOut, invStdOut);
    }

    /** Channels per task: about {@code 8192} elements each, as a channel is read two or three times. */
    static int grain(int perChannel) {
        return Math.max(1, 8192 / Math.max(1, perChannel));
    }

    /**
     * The per-channel statistics of one forward call, filled channel by channel: the mean and variance in use and
     * the inverse standard deviation they give.
     */
    private record Stats(double[] gamma, double[] mean, double[] var, double[] invStd,
                         boolean batchStats, double eps) {
        /** Batch statistics from the summed squared deviations {@code sq} of {@code n} elements around the mean. */
        void batch(int c, double sq, int n) {
            var[c] = sq / n;
            invStd[c] = sq == 0 && eps == 0 ? 0 : 1 / Math.sqrt(var[c] + eps);
        }

        /** The moving statistics' inverse standard deviation. */
        void moving(int c) {
            invStd[c] = 1 / Math.sqrt(var[c] + eps);
        }

        /** What the centred data is multiplied by: the inverse standard deviation times gamma (1 under fix_gamma). */
        double scale(int c) {
            return invStd[c] * (gamma == null ? 1 : gamma[c]);
        }
    }

    /** {@code moving = momentum * moving + (1 - momentum) * batch}, in place. */
    private static void updateMoving(NDArray moving, double[] batch, double momentum) {
        for (int c = 0; c < batch.length; c++) {
            moving.setDouble(c, moving.getDouble(c) * momentum + batch[c] * (1 - momentum));
        }
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        boolean batchStats = g.training() && !g.attr(USE_GLOBAL_STATS);
        Map<String, Object> attrs = Map.of("axis", g.attr(AXIS), "fix_gamma", g.attr(FIX_GAMMA),
                "use_global_stats", !batchStats);
        List<T> d = g.applyAll("_backward_BatchNorm", attrs, g.outGrad(0), g.input(0), g.input(1), g.output(1),
                g.output(2), g.outGrad(1), g.outGrad(2));
        return g.grads(d.get(0), d.get(1), d.get(2), null, null);
    }

    static void gatherChannel(NDArray x, Rows layout, int c, double[] buf) {
        int inner = layout.inner();
        int block = layout.length() * inner;
        for (int o = 0; o < layout.outer(); o++) {
            Rows.gather(x, o * block + c * inner, 1, inner, buf, o * inner);
        }
    }

    static void scatterChannel(double[] buf, NDArray out, Rows layout, int c) {
        int inner = layout.inner();
        int block = layout.length() * inner;
        for (int o = 0; o < layout.outer(); o++) {
            Rows.scatter(buf, o * inner, out, o * block + c * inner, 1, inner);
        }
    }
}
