package dev.kiln.nn.conv;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.nn.LayerBuilder;
import dev.kiln.op.IntTuple;
import dev.kiln.op.surface.F;

import java.util.Map;
import java.util.function.Function;

/**
 * What the adaptive pooling layers share: the output size is given and the windows follow from the input, output
 * position {@code i} of {@code n} on an axis of size {@code x} pooling {@code [floor(i * x / n), ceil((i + 1) * x /
 * n))}. Gluon 1.x has no such layers; these use the ops: 2-D average pooling in {@code NCHW} runs MXNet's
 * {@code _contrib_AdaptiveAvgPooling2D}, so an exported graph loads in MXNet, and every other case Kiln's own
 * {@code _contrib_AdaptiveAvgPooling} or {@code _contrib_AdaptiveMaxPooling}, which MXNet does not have. Named like
 * Gluon's pooling layers ({@code pool0_}).
 */
public abstract class AdaptivePool extends HybridBlock {
    private final int[] outputSize;
    private final String layout;
    private final boolean max;
    private final boolean mxnetOp;

    protected AdaptivePool(Builder<?> b) {
        super(b.prefix(), b.params(), "pool");
        String layer = getClass().getSimpleName();
        this.outputSize = b.spatial.perAxis(layer, "outputSize", b.outputSize, 1);
        boolean channelLast = b.spatial.isChannelLast(layer, b.layout, true);
        this.layout = b.layout;
        this.max = b.max;
        this.mxnetOp = !max && !channelLast && b.spatial == Spatial.TWO;
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        IntTuple size = IntTuple.of(outputSize);
        if (mxnetOp) {
            return F.adaptiveAvgPooling2D(x, Map.of("output_size", size, "name", "fwd"));
        }
        Map<String, Object> kwargs = Map.of("output_size", size, "layout", layout, "name", "fwd");
        return max ? F.adaptiveMaxPooling(x, kwargs) : F.adaptiveAvgPooling(x, kwargs);
    }

    /** {@code AdaptiveAvgPool2D(output_size=(2, 2), layout=NCHW)}, in the style of Gluon's pooling reprs. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "(output_size=" + Spatial.show(outputSize) + ", layout=" + layout + ")";
    }

    /**
     * The arguments of an adaptive pooling layer beyond its output size.
     *
     * @param <L> the layer it builds
     */
    public static final class Builder<L extends AdaptivePool> extends LayerBuilder<Builder<L>, L> {
        private final Spatial spatial;
        private final boolean max;
        private final int[] outputSize;
        private final Function<Builder<L>, L> factory;
        private String layout;

        Builder(Spatial spatial, boolean max, int[] outputSize, Function<Builder<L>, L> factory) {
            this.spatial = spatial;
            this.max = max;
            this.outputSize = outputSize == null ? null : outputSize.clone();
            this.factory = factory;
            this.layout = spatial.channelFirst();
        }

        /**
         * The data layout: {@code NCW}, {@code NCHW} or {@code NCDHW} (the default), or channels last ({@code NWC},
         * {@code NHWC}, {@code NDHWC}).
         */
        public Builder<L> layout(String l) {
            this.layout = l;
            return this;
        }

        @Override
        public L build() {
            return factory.apply(this);
        }
    }
}
