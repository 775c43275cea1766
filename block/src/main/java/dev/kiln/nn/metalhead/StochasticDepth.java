package dev.kiln.nn.metalhead;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.IntTuple;
import dev.kiln.op.surface.F;

import java.util.Map;

/**
 * Metalhead's {@code StochasticDepth(p, mode = :row)}: dropout that drops whole samples ({@link Mode#ROW}: each
 * sample of the batch kept or zeroed as one) or the whole batch at once ({@link Mode#BATCH}), scaling what is kept
 * by {@code 1 / (1 - p)}; active in training mode only. Put on a residual branch, it lets the skip connection carry
 * dropped samples. Any input rank: the input is viewed as {@code (batch, rest)} for one Dropout draw per row (or
 * one for everything) and reshaped back.
 */
public class StochasticDepth extends HybridBlock {
    /** What one random draw decides: one sample, or the whole batch. */
    public enum Mode {
        ROW, BATCH
    }

    private final double p;
    private final Mode mode;

    /** Row mode, Metalhead's default. */
    public StochasticDepth(double p) {
        this(p, Mode.ROW);
    }

    public StochasticDepth(double p, Mode mode) {
        super(null, null, "stochasticdepth");
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("StochasticDepth: p must be between 0 and 1, got " + p);
        }
        if (mode == null) {
            throw new IllegalArgumentException("StochasticDepth: mode must be ROW or BATCH");
        }
        this.p = p;
        this.mode = mode;
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> params) {
        T rows = F.reshape(x, Map.of("shape", IntTuple.of(0, -1)));
        IntTuple shared = mode == Mode.ROW ? IntTuple.of(1) : IntTuple.of(0, 1);
        T dropped = F.dropout(rows, Map.of("p", p, "axes", shared, "name", "fwd"));
        return F.reshapeLike(dropped, x);
    }

    @Override
    public String toString() {
        return "StochasticDepth(" + p + ", mode=" + mode.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
}
