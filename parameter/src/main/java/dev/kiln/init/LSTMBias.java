package dev.kiln.init;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;

/**
 * Bias of an LSTM cell: zeros, except the forget gate's quarter, set to {@code forgetBias} (default 1.0). The first
 * axis holds the four gates in MXNet's order input, forget, cell, output, so the second quarter is the forget gate.
 */
public final class LSTMBias extends Initializer {
    static final double DEFAULT_FORGET_BIAS = 1.0;

    private final double forgetBias;

    public LSTMBias() {
        this(DEFAULT_FORGET_BIAS);
    }

    /** The forget gate's bias, finite. */
    public LSTMBias(Number forgetBias) {
        super(kwargs("forget_bias", forgetBias));
        this.forgetBias = ArgChecks.finite("lstmbias", "forget_bias", forgetBias);
    }

    @Override
    protected void initWeight(InitDesc desc, NDArray target) {
        FloatTarget.requireFloating(name(), desc, target);
        if (target.rank() < 1 || target.shape().get(0) % 4 != 0) {
            throw new KilnException("initializer 'lstmbias' needs a first axis of 4 x hidden size (gates i, f, c, o)"
                    + " for '" + desc.name() + "', got shape " + target.shape());
        }
        int perRow = target.rank() == 1 ? 1 : target.shape().sizeOf(1, target.rank());
        int hidden = target.shape().get(0) / 4;
        target.fill(0);
        for (int i = hidden * perRow; i < 2 * hidden * perRow; i++) {
            target.setDouble(i, forgetBias);
        }
    }
}
