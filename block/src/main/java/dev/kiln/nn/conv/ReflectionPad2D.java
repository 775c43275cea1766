package dev.kiln.nn.conv;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.nn.LayerBuilder;
import dev.kiln.op.IntTuple;
import dev.kiln.op.surface.F;

/**
 * Pads the two spatial axes of {@code (batch, channels, height, width)} data by reflecting it at the borders
 * (Gluon's {@code nn.ReflectionPad2D}): MXNet's {@code Pad} op in {@code reflect} mode, which mirrors without
 * repeating the border element, so each pad must be smaller than its axis. An integer {@code padding} pads both
 * sides of both axes, as Gluon's {@code pad_width=(0, 0, 0, 0, p, p, p, p)}; the builder also takes the full
 * 8-element {@code pad_width}. As in Gluon the op has no {@code name} (auto-named {@code pad0}) and the repr is the
 * plain block's.
 */
public class ReflectionPad2D extends HybridBlock {
    private final IntTuple padWidth;

    /** Gluon's default padding, 0. */
    public ReflectionPad2D() {
        this(builder());
    }

    /** {@code padding} on both sides of height and width. */
    public ReflectionPad2D(int padding) {
        this(builder().padding(padding));
    }

    /** Gluon's arguments: the padding, and the prefix. */
    public static Builder builder() {
        return new Builder();
    }

    protected ReflectionPad2D(Builder b) {
        super(b.prefix(), b.params(), "reflectionpad2d");
        if (b.padWidth.length != 8) {
            throw new IllegalArgumentException("ReflectionPad2D: padWidth must have 8 entries (before and after for "
                    + "batch, channel, height and width), got " + Spatial.show(b.padWidth));
        }
        for (int i = 0; i < 8; i++) {
            if (b.padWidth[i] < 0 || (i < 4 && b.padWidth[i] != 0)) {
                throw new IllegalArgumentException("ReflectionPad2D: padWidth must be non-negative and 0 for batch "
                        + "and channel, got " + Spatial.show(b.padWidth));
            }
        }
        this.padWidth = IntTuple.of(b.padWidth);
    }

    /** MXNet's {@code pad_width}: (before, after) for each of the four axes. */
    public IntTuple padWidth() {
        return padWidth;
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.pad(x, "reflect", padWidth);
    }

    /** Gluon's {@code ReflectionPad2D} arguments. */
    public static final class Builder extends LayerBuilder<Builder, ReflectionPad2D> {
        private int[] padWidth = new int[8];

        private Builder() {
        }

        /** {@code p} on both sides of height and width (default 0). */
        public Builder padding(int p) {
            this.padWidth = new int[] {0, 0, 0, 0, p, p, p, p};
            return this;
        }

        /**
         * The 8-element {@code pad_width}: (before, after) for batch, channel, height and width; MXNet's Pad wants
         * the first four 0.
         */
        public Builder padWidth(int... w) {
            this.padWidth = w.clone();
            return this;
        }

        @Override
        public ReflectionPad2D build() {
            return new ReflectionPad2D(this);
        }
    }
}
