package dev.kiln.rnn;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.init.Initializer;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.IntTuple;
import dev.kiln.op.PythonFormat;
import dev.kiln.op.rnn.RnnMode;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What Gluon's fused recurrent layers share ({@code _RNNLayer}): per layer and direction an i2h and an h2h weight and
 * bias named {@code l0_i2h_weight}, {@code r0_h2h_bias}, ..., flattened and concatenated in MXNet's order into the
 * {@code RNN} op's parameter vector on every forward. Input {@code (T, N, C)} ({@code TNC}) or {@code (N, T, C)}
 * ({@code NTC}). Called on the data alone it returns the output, starting from zero states; called on the data and
 * the begin states ({@link #beginState}) it returns the output and the last states.
 */
public abstract class RecurrentLayer extends HybridBlock {
    private final RnnMode mode;
    private final int hiddenSize;
    private final int numLayers;
    private final String layout;
    private final double dropout;
    private final int dirs;
    private final int inputSize;
    private final DType dtype;
    private final Initializer[] initializers;

    protected RecurrentLayer(Builder<?, ?> b, RnnMode mode, String hint) {
        super(b.prefix(), b.params(), hint);
        if (b.hiddenSize <= 0 || b.numLayers <= 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": hiddenSize and numLayers must be "
                    + "positive, got " + b.hiddenSize + " and " + b.numLayers);
        }
        if (!b.layout.equals("TNC") && !b.layout.equals("NTC")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid layout '" + b.layout
                    + "'; must be 'TNC' or 'NTC'");
        }
        if (!(b.dropout >= 0 && b.dropout < 1) || b.inputSize < 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": dropout must be in [0, 1) and "
                    + "inputSize non-negative, got " + b.dropout + " and " + b.inputSize);
        }
        this.mode = mode;
        this.hiddenSize = b.hiddenSize;
        this.numLayers = b.numLayers;
        this.layout = b.layout;
        this.dropout = b.dropout;
        this.dirs = b.bidirectional ? 2 : 1;
        this.inputSize = b.inputSize;
        this.dtype = b.dtype;
        this.initializers = b.initializers();
        int rows = mode.gates() * hiddenSize;
        try (var ignored = nameScope()) {
            int in = b.inputSize;
            for (int l = 0; l < numLayers; l++) {
                for (String d : directions()) {
                    param(d + l + "_i2h_weight", spec(rows, in).init(b.i2hWeightInitializer));
                    param(d + l + "_h2h_weight", spec(rows, hiddenSize).init(b.h2hWeightInitializer));
                    param(d + l + "_i2h_bias", spec(rows).init(b.i2hBiasInitializer));
                    param(d + l + "_h2h_bias", spec(rows).init(b.h2hBiasInitializer));
                }
                in = hiddenSize * dirs;
            }
        }
    }

    private ParameterSpec spec(int... shape) {
        return ParameterSpec.of().shape(shape).dtype(dtype).allowDeferredInit(true);
    }

    private List<String> directions() {
        return dirs == 2 ? List.of("l", "r") : List.of("l");
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    public int numLayers() {
        return numLayers;
    }

    public String layout() {
        return layout;
    }

    public boolean bidirectional() {
        return dirs == 2;
    }

    /** The fused op's mode ({@code rnn_relu}, {@code lstm}, ...). */
    public RnnMode mode() {
        return mode;
    }

    /** The parameter registered as {@code name} ({@code l0_i2h_weight}, {@code r1_h2h_bias}, ...). */
    public Parameter parameter(String name) {
        Parameter p = registeredParameters().get(name);
        if (p == null) {
            throw new IllegalArgumentException(name() + " has no parameter '" + name + "'; it has "
                    + registeredParameters().keySet());
        }
        return p;
    }

    /** The states, each {@code (numLayers * dirs, batchSize, hiddenSize)}: h, and c for LSTM. */
    public List<StateInfo> stateInfo(int batchSize) {
        StateInfo s = new StateInfo(Shape.of(numLayers * dirs, batchSize, hiddenSize), "LNC", dtype);
        return mode.hasCellState() ? List.of(s, s) : List.of(s);
    }

    /** Zero begin states for {@code batchSize} sequences, in the layer's dtype, on the CPU. */
    public List<NDArray> beginState(int batchSize) {
        return beginState(batchSize, Device.cpu());
    }

    public List<NDArray> beginState(int batchSize, Device device) {
        return StateInfo.zeros(stateInfo(batchSize), device);
    }

    /** The output and the last states for {@code x} from the begin states {@code states}. */
    public List<NDArray> call(NDArray x, List<NDArray> states) {
        return callAll(RecurrentCell.withStates(x, states));
    }

    @Override
    protected <T> List<T> hybridForward(F<T> F, List<T> inputs, ParameterValues<T> p) {
        int numStates = mode.hasCellState() ? 2 : 1;
        List<T> states = new ArrayList<>(inputs.subList(1, inputs.size()));
        states.removeIf(java.util.Objects::isNull);
        if (!states.isEmpty() && states.size() != numStates) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " '" + name() + "' takes the data and "
                    + numStates + " begin state(s), got " + states.size() + " state(s)");
        }
        T x = inputs.get(0);
        if (layout.equals("NTC")) {
            x = F.swapaxes(x, Map.of("dim1", 0, "dim2", 1));
        }
        boolean skipStates = states.isEmpty();
        if (skipStates) {
            T h = ZeroStates.like(F, x, 1, new int[] {numLayers * dirs, 0, hiddenSize}, 1);
            states = numStates == 2 ? List.of(h, h) : List.of(h);
        }
        List<T> flat = new ArrayList<>();
        for (String kind : List.of("weight", "bias")) {
            for (int l = 0; l < numLayers; l++) {
                for (String d : directions()) {
                    for (String g : List.of("i2h", "h2h")) {
                        flat.add(F.reshape(p.get(d + l + "_" + g + "_" + kind), Map.of("shape", IntTuple.of(-1))));
                    }
                }
            }
        }
        T params = F.rnnParamConcat(flat, Map.of("dim", 0));
        List<T> rnn = F.rNN(x, params, states.get(0), numStates == 2 ? states.get(1) : null, hiddenSize, numLayers,
                mode.mxnetName(), Map.of("bidirectional", dirs == 2, "p", dropout, "state_outputs", true));
        T out = rnn.get(0);
        if (layout.equals("NTC")) {
            out = F.swapaxes(out, Map.of("dim1", 0, "dim2", 1));
        }
        if (skipStates) {
            return List.of(out);
        }
        List<T> result = new ArrayList<>();
        result.add(out);
        result.addAll(rnn.subList(1, 1 + numStates));
        return result;
    }

    /**
     * The same layer as a stack of cells ({@link SequentialRNNCell} of {@link RNNCell}, {@link LSTMCell} or
     * {@link GRUCell}, in {@link BidirectionalCell}s when bidirectional, with {@link DropoutCell}s between layers)
     * sharing this layer's parameters, as Gluon's {@code _unfuse}: unrolled, it computes what the fused op does.
     */
    public SequentialRNNCell unfuse() {
        SequentialRNNCell stack = new SequentialRNNCell(prefix(), params());
        try (var ignored = stack.nameScope()) {
            int in = inputSize;
            for (int l = 0; l < numLayers; l++) {
                if (dirs == 2) {
                    stack.add(new BidirectionalCell(cell("l" + l + "_", in), cell("r" + l + "_", in)));
                } else {
                    stack.add(cell("l" + l + "_", in));
                }
                if (dropout > 0 && l != numLayers - 1) {
                    stack.add(new DropoutCell(dropout));
                }
                in = hiddenSize * dirs;
            }
        }
        return stack;
    }

    private RecurrentCell cell(String prefix, int in) {
        return switch (mode) {
            case RNN_RELU, RNN_TANH -> RNNCell.builder(hiddenSize).activation(mode == RnnMode.RNN_RELU ? "relu" : "tanh")
                    .inputSize(in).initializers(initializers).prefix(prefix).build();
            case LSTM -> LSTMCell.builder(hiddenSize).inputSize(in).initializers(initializers).prefix(prefix).build();
            case GRU -> GRUCell.builder(hiddenSize).inputSize(in).initializers(initializers).prefix(prefix).build();
        };
    }

    /** Gluon's repr: {@code LSTM(5 -> 10, TNC, num_layers=2, dropout=0.5, bidirectional)}. */
    @Override
    public String toString() {
        Shape w = parameter("l0_i2h_weight").shape();
        StringBuilder s = new StringBuilder(getClass().getSimpleName()).append('(')
                .append(w.get(1) > 0 ? Integer.toString(w.get(1)) : "None").append(" -> ")
                .append(w.get(0) / mode.gates()).append(", ").append(layout);
        if (numLayers != 1) {
            s.append(", num_layers=").append(numLayers);
        }
        if (dropout != 0) {
            s.append(", dropout=").append(PythonFormat.formatFloat(dropout));
        }
        if (dirs == 2) {
            s.append(", bidirectional");
        }
        return s.append(')').toString();
    }

    /** Gluon's arguments of every fused recurrent layer beyond those of {@link RecurrentBuilder}. */
    public abstract static class Builder<B extends Builder<B, L>, L extends RecurrentLayer>
            extends RecurrentBuilder<B, L> {
        private int numLayers = 1;
        private String layout = "TNC";
        private double dropout;
        private boolean bidirectional;
        private DType dtype = DType.FLOAT32;

        protected Builder(int hiddenSize) {
            super(hiddenSize);
        }

        /** Stacked layers (default 1). */
        public B numLayers(int n) {
            this.numLayers = n;
            return self();
        }

        /** {@code "TNC"} (the default) or {@code "NTC"}: where the time and batch axes are. */
        public B layout(String l) {
            this.layout = l;
            return self();
        }

        /** Dropout rate on every layer's output but the last, in training (default 0). */
        public B dropout(double rate) {
            this.dropout = rate;
            return self();
        }

        /** Whether every layer also runs backwards in time (default false). */
        public B bidirectional(boolean b) {
            this.bidirectional = b;
            return self();
        }

        /** The parameters' element type (default float32). */
        public B dtype(DType t) {
            this.dtype = t;
            return self();
        }
    }
}
