package dev.kiln.rnn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterSpec;

import java.util.List;
import java.util.Map;

/**
 * What Gluon's RNN, LSTM and GRU cells share: {@code i2h_weight} {@code (gates*hidden, inputSize)} (0 defers the
 * input size), {@code h2h_weight} {@code (gates*hidden, hidden)}, {@code i2h_bias} and {@code h2h_bias}, the gates in
 * the fused op's order, and one state of {@code (batch, hidden)} per {@code numStates}.
 */
abstract class GateCell extends RecurrentCell {
    private final int hiddenSize;
    private final int numStates;
    private final Parameter i2hWeight;
    private final Parameter h2hWeight;
    private final Parameter i2hBias;
    private final Parameter h2hBias;

    GateCell(RecurrentBuilder<?, ?> b, String hint, int gates, int numStates) {
        super(b.prefix(), b.params(), hint);
        if (b.hiddenSize <= 0 || b.inputSize < 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": hiddenSize must be positive and "
                    + "inputSize non-negative, got " + b.hiddenSize + " and " + b.inputSize);
        }
        this.hiddenSize = b.hiddenSize;
        this.numStates = numStates;
        int rows = gates * hiddenSize;
        try (var ignored = nameScope()) {
            i2hWeight = param("i2h_weight", spec(rows, b.inputSize).init(b.i2hWeightInitializer));
            h2hWeight = param("h2h_weight", spec(rows, hiddenSize).init(b.h2hWeightInitializer));
            i2hBias = param("i2h_bias", spec(rows).init(b.i2hBiasInitializer));
            h2hBias = param("h2h_bias", spec(rows).init(b.h2hBiasInitializer));
        }
    }

    private static ParameterSpec spec(int... shape) {
        return ParameterSpec.of().shape(shape).allowDeferredInit(true);
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    public Parameter i2hWeight() {
        return i2hWeight;
    }

    public Parameter h2hWeight() {
        return h2hWeight;
    }

    public Parameter i2hBias() {
        return i2hBias;
    }

    public Parameter h2hBias() {
        return h2hBias;
    }

    @Override
    public List<StateInfo> stateInfo(int batchSize) {
        StateInfo s = new StateInfo(Shape.of(batchSize, hiddenSize), "NC", DType.FLOAT32);
        return numStates == 2 ? List.of(s, s) : List.of(s);
    }

    /** {@code i2h} and {@code h2h} of step {@code t}: the two affine maps every gate cell starts with. */
    <T> List<T> affine(F<T> F, T x, T h, Map<String, T> p, int rows, String t) {
        return List.of(F.fullyConnected(x, p.get("i2h_weight"), p.get("i2h_bias"), rows, Map.of("name", t + "i2h")),
                F.fullyConnected(h, p.get("h2h_weight"), p.get("h2h_bias"), rows, Map.of("name", t + "h2h")));
    }

    /** {@code activation} applied as Gluon's cells apply it: its own op for tanh, relu, sigmoid and softsign. */
    static <T> T activate(F<T> F, T x, String activation, String name) {
        Map<String, String> n = Map.of("name", name);
        return switch (activation) {
            case "tanh" -> F.tanh(x, n);
            case "relu" -> F.relu(x, n);
            case "sigmoid" -> F.sigmoid(x, n);
            case "softsign" -> F.softsign(x, n);
            default -> F.activation(x, activation, n);
        };
    }

    /** Gluon's cell repr body: {@code None -> 40} (the input size, or None; the i2h weight's rows). */
    String mapping() {
        Shape w = i2hWeight.shape();
        return (w.get(1) > 0 ? Integer.toString(w.get(1)) : "None") + " -> " + w.get(0);
    }
}
