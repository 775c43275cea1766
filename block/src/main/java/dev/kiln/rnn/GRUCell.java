package dev.kiln.rnn;

import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;

import java.util.List;
import java.util.Map;

/**
 * A GRU cell (Gluon's {@code rnn.GRUCell}) in cuDNN's form, the fused op's math on one step: gates reset, update and
 * new in that order in the weights' rows, {@code n = tanh(i2h_n + r*h2h_n)}, {@code h' = (1-z)*n + z*h}.
 */
public class GRUCell extends GateCell {

    public GRUCell(int hiddenSize) {
        this(builder(hiddenSize));
    }

    /** All of Gluon's arguments, with Gluon's defaults. */
    public static Builder builder(int hiddenSize) {
        return new Builder(hiddenSize);
    }

    protected GRUCell(Builder b) {
        super(b, "gru", 3, 1);
    }

    @Override
    protected <T> List<T> cellStep(F<T> F, T x, List<T> states, ParameterValues<T> p, String t) {
        T h = states.get(0);
        List<T> a = affine(F, x, h, p.asMap(), 3 * hiddenSize(), t);
        List<T> i2h = F.split(a.get(0), 3, Map.of("name", t + "i2h_slice"));
        List<T> h2h = F.split(a.get(1), 3, Map.of("name", t + "h2h_slice"));
        T reset = F.activation(F.elemwiseAdd(i2h.get(0), h2h.get(0), Map.of("name", t + "plus0")), "sigmoid",
                Map.of("name", t + "r_act"));
        T update = F.activation(F.elemwiseAdd(i2h.get(1), h2h.get(1), Map.of("name", t + "plus1")), "sigmoid",
                Map.of("name", t + "z_act"));
        T candidate = F.activation(F.elemwiseAdd(i2h.get(2), F.elemwiseMul(reset, h2h.get(2),
                Map.of("name", t + "mul0")), Map.of("name", t + "plus2")), "tanh", Map.of("name", t + "h_act"));
        T ones = F.onesLike(update, Map.of("name", t + "ones_like0"));
        T next = F.elemwiseAdd(F.elemwiseMul(F.elemwiseSub(ones, update, Map.of("name", t + "minus0")), candidate,
                Map.of("name", t + "mul1")), F.elemwiseMul(update, h, Map.of("name", t + "mul20")),
                Map.of("name", t + "out"));
        return List.of(next, next);
    }

    /** Gluon's repr: {@code GRUCell(None -> 30)} (the weights' rows: three gates). */
    @Override
    public String toString() {
        return "GRUCell(" + mapping() + ")";
    }

    /** Gluon's {@code rnn.GRUCell} arguments beyond {@code hidden_size}. */
    public static final class Builder extends RecurrentBuilder<Builder, GRUCell> {
        private Builder(int hiddenSize) {
            super(hiddenSize);
        }

        @Override
        public GRUCell build() {
            return new GRUCell(this);
        }
    }
}
