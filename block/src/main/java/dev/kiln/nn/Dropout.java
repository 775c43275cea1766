package dev.kiln.nn;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.IntTuple;
import dev.kiln.op.PythonFormat;
import dev.kiln.op.surface.F;

import java.util.Map;

/**
 * Gluon's {@code nn.Dropout}: in training mode ({@code Autograd.trainMode()} or a recording scope in train mode) each
 * element is zeroed with probability {@code rate} and the rest are scaled by {@code 1 / (1 - rate)}; in predict mode
 * it is the identity. {@code axes} share one random draw along those axes (whole rows or channels dropped
 * together). With rate 0 it is an identity copy whatever the mode, as in Gluon.
 */
public class Dropout extends HybridBlock {
    private final double rate;
    private final IntTuple axes;

    /** Regular dropout of {@code rate} in {@code [0, 1)}. */
    public Dropout(double rate) {
        this(builder(rate));
    }

    /** Dropout of {@code rate} with one mask shared along {@code axes}. */
    public Dropout(double rate, int... axes) {
        this(builder(rate).axes(axes));
    }

    /** All of Gluon's arguments, with Gluon's defaults. */
    public static Builder builder(double rate) {
        return new Builder(rate);
    }

    protected Dropout(Builder b) {
        super(b.prefix(), b.params(), "dropout");
        if (!(b.rate >= 0 && b.rate < 1)) {
            throw new IllegalArgumentException("Dropout: rate must be in [0, 1), got " + b.rate);
        }
        this.rate = b.rate;
        this.axes = b.axes;
    }

    /** The fraction of inputs dropped in training. */
    public double rate() {
        return rate;
    }

    /** The axes along which one draw is shared (empty for regular dropout). */
    public IntTuple axes() {
        return axes;
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        if (rate > 0) {
            return F.dropout(x, Map.of("p", rate, "axes", axes, "name", "fwd", "cudnn_off", false));
        }
        return F.identity(x);
    }

    /** Gluon's repr: {@code Dropout(p = 0.5, axes=())}. */
    @Override
    public String toString() {
        return "Dropout(p = " + PythonFormat.formatFloat(rate) + ", axes=" + axes + ")";
    }

    /** Gluon's {@code Dropout} arguments beyond {@code rate}. */
    public static final class Builder extends LayerBuilder<Builder, Dropout> {
        private final double rate;
        private IntTuple axes = IntTuple.of();

        private Builder(double rate) {
            this.rate = rate;
        }

        /** The axes along which the mask is shared (default none: every element drawn on its own). */
        public Builder axes(int... a) {
            this.axes = IntTuple.of(a);
            return this;
        }

        @Override
        public Dropout build() {
            return new Dropout(this);
        }
    }
}
