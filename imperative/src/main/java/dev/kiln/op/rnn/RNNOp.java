package dev.kiln.op.rnn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpContext;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;
import dev.kiln.random.Generator;
import dev.kiln.random.Random;

import java.util.ArrayList;
import java.util.List;

/**
 * MXNet's fused {@code RNN}: stacked (optionally bidirectional) Elman, LSTM or GRU layers over {@code data}
 * {@code (T, N, C)}, with every weight and bias in one flat {@code parameters} vector (layout in
 * {@link RnnGeometry}), initial states {@code state} (and {@code state_cell} for LSTM) of shape
 * {@code (layers*dirs, N, H)}. The output is {@code (T, N, dirs*H)}, both directions concatenated; with
 * {@code state_outputs} the last hidden (and cell) states follow. In training mode, {@code p} drops each layer's
 * output but the last before the next layer reads it, scaling the rest by {@code 1/(1-p)}; the draw is a hidden
 * output (as Dropout's mask) so the gradient ({@code _backward_RNN}) sees the same one. As in MXNet, the parameter
 * vector's length and the state shapes are inferred from the data. Projection, LSTM state clipping and
 * {@code use_sequence_length} are accepted as attributes but rejected when the op runs or is inferred.
 */
final class RNNOp extends OpDef {
    static final AttrSpec<Integer> STATE_SIZE = AttrSpec.required("state_size", AttrType.INT,
            "hidden units of each layer and direction");
    static final AttrSpec<Integer> NUM_LAYERS = AttrSpec.required("num_layers", AttrType.INT,
            "number of stacked layers");
    static final AttrSpec<Boolean> BIDIRECTIONAL = AttrSpec.of("bidirectional", AttrType.BOOL, false,
            "run every layer forwards and backwards in time and concatenate the two");
    static final AttrSpec<String> MODE = AttrSpec.required("mode",
            AttrType.oneOf("rnn_relu", "rnn_tanh", "lstm", "gru"), "the recurrent cell");
    static final AttrSpec<Double> P = AttrSpec.of("p", AttrType.FLOAT, 0.0,
            "dropout rate on every layer's output but the last, in training");
    static final AttrSpec<Boolean> STATE_OUTPUTS = AttrSpec.of("state_outputs", AttrType.BOOL, false,
            "also output the last hidden (and cell) states");
    static final AttrSpec<Integer> PROJECTION_SIZE = AttrSpec.optional("projection_size", AttrType.INT,
            "LSTM projection size; not implemented in Kiln");
    static final AttrSpec<Double> CLIP_MIN = AttrSpec.optional("lstm_state_clip_min", AttrType.FLOAT,
            "lower clip of LSTM cell states; not implemented in Kiln");
    static final AttrSpec<Double> CLIP_MAX = AttrSpec.optional("lstm_state_clip_max", AttrType.FLOAT,
            "upper clip of LSTM cell states; not implemented in Kiln");
    static final AttrSpec<Boolean> CLIP_NAN = AttrSpec.of("lstm_state_clip_nan", AttrType.BOOL, false,
            "clip NaN cell states too; ignored without a clipping range, as in MXNet");
    static final AttrSpec<Boolean> USE_SEQUENCE_LENGTH = AttrSpec.of("use_sequence_length", AttrType.BOOL, false,
            "take per-sequence lengths as an extra input; not implemented in Kiln");

    static final List<AttrSpec<?>> ATTRS = List.of(STATE_SIZE, NUM_LAYERS, BIDIRECTIONAL, MODE, P, STATE_OUTPUTS,
            PROJECTION_SIZE, CLIP_MIN, CLIP_MAX, CLIP_NAN, USE_SEQUENCE_LENGTH);

    RNNOp() {
        super("RNN", OpFamily.NN, List.of("data", "parameters", "state", "state_cell"), ATTRS, "_npx_rnn");
    }

    @Override
    public String doc() {
        return "Stacked, optionally bidirectional RNN, LSTM or GRU layers over a (T, N, C) sequence, with all "
                + "weights in one flat vector.";
    }

    @Override
    public List<String> inputNames(Attrs attrs) {
        List<String> names = new ArrayList<>(List.of("data", "parameters", "state"));
        if (mode(attrs).hasCellState()) {
            names.add("state_cell");
        }
        if (attrs.get(USE_SEQUENCE_LENGTH)) {
            names.add("sequence_length");
        }
        return names;
    }

    @Override
    public int numOutputs(Attrs attrs) {
        return numVisibleOutputs(attrs) + (hasDropout(attrs) ? 1 : 0);
    }

    @Override
    public int numVisibleOutputs(Attrs attrs) {
        return attrs.get(STATE_OUTPUTS) ? (mode(attrs).hasCellState() ? 3 : 2) : 1;
    }

    @Override
    public List<String> outputNames(Attrs attrs) {
        List<String> names = new ArrayList<>(List.of("output", "state_output", "statecell_output")
                .subList(0, numVisibleOutputs(attrs)));
        if (hasDropout(attrs)) {
            names.add("dropout_mask");
        }
        return names;
    }

    static RnnMode mode(Attrs attrs) {
        return RnnMode.of(attrs.get(MODE));
    }

    static int dirs(Attrs attrs) {
        return attrs.get(BIDIRECTIONAL) ? 2 : 1;
    }

    /** Random in training when a dropout mask is drawn between layers. */
    @Override
    public boolean isRandom(Attrs attrs, boolean training) {
        return training && hasDropout(attrs);
    }

    /** True if the op has a dropout mask output: a rate above 0 and a layer after the first. */
    static boolean hasDropout(Attrs attrs) {
        return attrs.get(P) > 0 && attrs.get(NUM_LAYERS) > 1;
    }

    /** Fails for attribute values Kiln cannot compute, naming the attribute. */
    void checkSupported(Attrs attrs) {
        if (attrs.get(STATE_SIZE) <= 0 || attrs.get(NUM_LAYERS) <= 0) {
            throw error("state_size and num_layers must be positive, got state_size=" + attrs.get(STATE_SIZE)
                    + ", num_layers=" + attrs.get(NUM_LAYERS));
        }
        double p = attrs.get(P);
        if (!(p >= 0 && p <= 1)) {
            throw error("attribute 'p' must be in [0, 1], got " + p);
        }
        if (attrs.get(PROJECTION_SIZE) != null) {
            throw error("projection_size=" + attrs.get(PROJECTION_SIZE) + " (LSTMP) is not implemented in Kiln");
        }
        if (attrs.get(CLIP_MIN) != null || attrs.get(CLIP_MAX) != null) {
            throw error("lstm_state_clip_min/lstm_state_clip_max (LSTM cell-state clipping) are not implemented "
                    + "in Kiln");
        }
        if (attrs.get(USE_SEQUENCE_LENGTH)) {
            throw error("use_sequence_length=True (variable-length sequences) is not implemented in Kiln");
        }
    }

    /** The sizes of an application to data of shape {@code data} (checked to be 3-D). */
    RnnGeometry geometry(Attrs attrs, Shape data) {
        if (data.rank() != 3) {
            throw error("input 'data' has shape " + data + " but must be 3-D (sequence length, batch, features)");
        }
        return new RnnGeometry(mode(attrs), attrs.get(NUM_LAYERS), dirs(attrs), data.get(0), data.get(1),
                data.get(2), attrs.get(STATE_SIZE));
    }

    /** The shapes of the parameter vector and the states for {@code g}. */
    static Shape paramShape(RnnGeometry g) {
        return Shape.of(Math.toIntExact(g.paramSize()));
    }

    static Shape stateShape(RnnGeometry g) {
        return Shape.of(g.layers() * g.dirs(), g.batch(), g.hidden());
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        checkSupported(attrs);
        RnnGeometry g = geometry(attrs, inputShapes.get(0));
        List<String> names = inputNames(attrs);
        List<Shape> expected = new ArrayList<>(List.of(inputShapes.get(0), paramShape(g), stateShape(g)));
        if (g.mode().hasCellState()) {
            expected.add(stateShape(g));
        }
        for (int i = 1; i < expected.size(); i++) {
            if (!inputShapes.get(i).equals(expected.get(i))) {
                throw error("input '" + names.get(i) + "' has shape " + inputShapes.get(i) + " but must have shape "
                        + expected.get(i) + " for data " + inputShapes.get(0) + ", state_size=" + g.hidden()
                        + ", num_layers=" + g.layers() + (g.dirs() == 2 ? ", bidirectional" : "") + ", mode="
                        + g.mode().mxnetName());
            }
        }
        List<Shape> out = new ArrayList<>();
        out.add(Shape.of(g.seq(), g.batch(), g.outputWidth()));
        for (int i = 1; i < numVisibleOutputs(attrs); i++) {
            out.add(stateShape(g));
        }
        if (hasDropout(attrs)) {
            out.add(maskShape(g));
        }
        return out;
    }

    static Shape maskShape(RnnGeometry g) {
        return Shape.of(g.layers() - 1, g.seq(), g.batch(), g.outputWidth());
    }

    /**
     * Every shape follows from the data's and the attributes (the parameter vector's length, the states, the
     * outputs); the other way, the states and outputs give the data its sequence length and batch size, and a known
     * parameter vector its feature size.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        Attrs attrs = slots.attrs();
        checkSupported(attrs);
        RnnMode mode = mode(attrs);
        int layers = attrs.get(NUM_LAYERS);
        int dirs = dirs(attrs);
        int hidden = attrs.get(STATE_SIZE);
        Shape data = slots.input(0);
        if (ShapeSlots.isRankKnown(data)) {
            geometry(attrs, data);
        }
        int seq = dimOf(data, 0);
        int batch = dimOf(data, 1);
        int input = dimOf(data, 2);
        int visible = numVisibleOutputs(attrs);
        for (int i = 2; i < slots.numInputs(); i++) {
            batch = known(batch, dimOf(slots.input(i), 1));
        }
        for (int i = 0; i < visible; i++) {
            batch = known(batch, dimOf(slots.output(i), 1));
        }
        seq = known(seq, dimOf(slots.output(0), 0));
        if (hasDropout(attrs)) {
            seq = known(seq, dimOf(slots.output(visible), 1));
            batch = known(batch, dimOf(slots.output(visible), 2));
        }
        Shape params = slots.input(1);
        if (input == Shape.UNKNOWN && ShapeSlots.isRankKnown(params) && params.rank() == 1
                && params.get(0) != Shape.UNKNOWN) {
            int solved = RnnGeometry.inputSizeFor(mode, layers, dirs, hidden, params.get(0));
            input = solved > 0 ? solved : Shape.UNKNOWN;
        }
        slots.learnInput(0, Shape.partial(seq, batch, input));
        if (input != Shape.UNKNOWN) {
            slots.assignInput(1, Shape.of(Math.toIntExact(RnnGeometry.paramSize(mode, layers, dirs, input, hidden))));
        }
        Shape state = Shape.partial(layers * dirs, batch, hidden);
        for (int i = 2; i < 2 + (mode.hasCellState() ? 2 : 1); i++) {
            slots.assignInput(i, state);
        }
        slots.assignOutput(0, Shape.partial(seq, batch, dirs * hidden));
        for (int i = 1; i < visible; i++) {
            slots.assignOutput(i, state);
        }
        if (hasDropout(attrs)) {
            slots.assignOutput(visible, Shape.partial(layers - 1, seq, batch, dirs * hidden));
        }
        slots.forward();
    }

    /** Dim {@code axis} of a shape whose rank is known to be large enough, else unknown. */
    private static int dimOf(Shape s, int axis) {
        return ShapeSlots.isRankKnown(s) && s.rank() > axis ? s.get(axis) : Shape.UNKNOWN;
    }

    private static int known(int current, int other) {
        return current != Shape.UNKNOWN ? current : other;
    }

    /** Data of a floating dtype; parameters and states share it, and so do the outputs. */
    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        checkSupported(attrs);
        DType t = inputTypes.get(0);
        if (!t.isFloating()) {
            throw error("input 'data' has dtype " + t + "; RNN needs float16, bfloat16, float32 or float64 data");
        }
        List<String> names = inputNames(attrs);
        for (int i = 1; i < inputTypes.size(); i++) {
            if (inputTypes.get(i) != t) {
                throw error("input '" + names.get(i) + "' has dtype " + inputTypes.get(i) + " but 'data' has " + t
                        + "; cast one of them");
            }
        }
        List<DType> out = new ArrayList<>();
        for (int i = 0; i < numOutputs(attrs); i++) {
            out.add(t);
        }
        return out;
    }

    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unifyAll();
        slots.forward();
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        Attrs attrs = call.attrs();
        RnnGeometry g = geometry(attrs, call.input(0).shape());
        double[][] masks = hasDropout(attrs) ? masks(g, attrs.get(P), OpContext.isTraining()) : null;
        RnnKernel kernel = new RnnKernel(g, call.input(1).toDoubleArray());
        RnnKernel.Trajectory tr = kernel.forward(call.input(0).toDoubleArray(), call.input(2).toDoubleArray(),
                g.mode().hasCellState() ? call.input(3).toDoubleArray() : null, masks);
        List<NDArray> out = new ArrayList<>();
        out.add(filled(call.newOutput(0), tr.output()));
        if (attrs.get(STATE_OUTPUTS)) {
            out.add(filled(call.newOutput(1), tr.hy));
            if (g.mode().hasCellState()) {
                out.add(filled(call.newOutput(2), tr.cy));
            }
        }
        if (masks != null) {
            NDArray m = call.newOutput(out.size());
            int per = masks[0].length;
            for (int l = 0; l < masks.length; l++) {
                for (int i = 0; i < per; i++) {
                    m.setDouble(l * per + i, masks[l][i]);
                }
            }
            out.add(m);
        }
        return out;
    }

    /**
     * One dropout mask per layer but the last: each element kept with probability {@code 1 - p} and scaled by
     * {@code 1/(1-p)}, as Kiln's Dropout draws it (one draw from the global generator per call); all ones when not
     * training.
     */
    private static double[][] masks(RnnGeometry g, double p, boolean training) {
        int per = g.seq() * g.batch() * g.outputWidth();
        double[][] masks = new double[g.layers() - 1][per];
        float keep = 1.0f - (float) p;
        double scale = keep > 0 ? 1.0f / keep : 0;
        long key = training ? Random.global().nextKey() : 0;
        for (int l = 0; l < masks.length; l++) {
            for (int i = 0; i < per; i++) {
                masks[l][i] = !training ? 1 : Generator.unitDouble(Generator.bits(key, (long) l * per + i)) < keep
                        ? scale : 0;
            }
        }
        return masks;
    }

    static NDArray filled(NDArray out, double[] values) {
        for (int i = 0; i < values.length; i++) {
            out.setDouble(i, values[i]);
        }
        return out;
    }

    /**
     * Everything goes to {@code _backward_RNN} with this op's attributes: the inputs, the dropout mask the forward
     * drew, and the gradients of the output and (with {@code state_outputs}) the last states.
     */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        Attrs attrs = g.attrs();
        boolean cell = mode(attrs).hasCellState();
        int visible = numVisibleOutputs(attrs);
        List<T> in = new ArrayList<>();
        for (int i = 0; i < (cell ? 4 : 3); i++) {
            in.add(g.input(i));
        }
        if (hasDropout(attrs)) {
            in.add(g.output(visible));
        }
        for (int i = 0; i < visible; i++) {
            in.add(g.outGrad(i));
        }
        return g.backend().apply(RNNBackwardOp.NAME, attrs.toMXNetStrings(this), in); // one gradient per input
    }
}
