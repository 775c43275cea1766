package dev.kiln.nn.conv;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.nn.LayerBuilder;
import dev.kiln.op.IntTuple;
import dev.kiln.op.surface.F;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What the pooling layers share (Gluon's {@code _Pooling}): one {@code Pooling} op named {@code fwd} with Gluon's
 * arguments. {@code ceilMode} chooses MXNet's {@code pooling_convention}: {@code valid} (floor, the default) or
 * {@code full} (ceil). Global pooling is Pooling with {@code global_pool}, which pools each whole spatial extent to
 * one position; Gluon sets it up with a unit pool size and {@code ceil_mode} on, which its repr shows.
 */
public abstract class Pool extends HybridBlock {
    private final int[] kernel;
    private final int[] strides;
    private final int[] padding;
    private final boolean ceilMode;
    private final boolean global;
    private final String poolType;
    private final String layout;
    private final Map<String, Object> kwargs;

    protected Pool(Options<?, ?> b) {
        super(b.prefix(), b.params(), "pool");
        String layer = getClass().getSimpleName();
        Spatial s = b.spatial;
        this.kernel = s.perAxis(layer, "poolSize", b.poolSize, 1);
        this.strides = b.strides == null ? kernel : s.perAxis(layer, "strides", b.strides, 1);
        this.padding = s.perAxis(layer, "padding", b.padding, 0);
        s.isChannelLast(layer, b.layout, true);
        this.ceilMode = b.ceilMode;
        this.global = b.global;
        this.poolType = b.poolType;
        this.layout = b.layout;
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("kernel", IntTuple.of(kernel));
        k.put("stride", IntTuple.of(strides));
        k.put("pad", IntTuple.of(padding));
        k.put("global_pool", global);
        k.put("pool_type", poolType);
        k.put("layout", layout);
        k.put("pooling_convention", ceilMode ? "full" : "valid");
        if (b.countIncludePad != null) {
            k.put("count_include_pad", b.countIncludePad);
        }
        k.put("name", "fwd");
        this.kwargs = Collections.unmodifiableMap(k);
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.pooling(x, kwargs);
    }

    /**
     * Gluon's repr: {@code MaxPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False,
     * global_pool=False, pool_type=max, layout=NCHW)}.
     */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "(size=" + Spatial.show(kernel) + ", stride=" + Spatial.show(strides)
                + ", padding=" + Spatial.show(padding) + ", ceil_mode=" + python(ceilMode) + ", global_pool="
                + python(global) + ", pool_type=" + poolType + ", layout=" + layout + ")";
    }

    private static String python(boolean b) {
        return b ? "True" : "False";
    }

    /**
     * What every pooling builder holds; the layout is the one argument all pooling layers take.
     *
     * @param <B> the concrete builder
     * @param <L> the layer it builds
     */
    public abstract static class Options<B extends Options<B, L>, L extends Pool> extends LayerBuilder<B, L> {
        private final Spatial spatial;
        private final String poolType;
        private final Function<B, L> factory;
        private String layout;
        int[] poolSize = {2};
        int[] strides;
        int[] padding = {0};
        boolean ceilMode;
        boolean global;
        Boolean countIncludePad;

        Options(Spatial spatial, String poolType, Function<B, L> factory) {
            this.spatial = spatial;
            this.poolType = poolType;
            this.factory = factory;
            this.layout = spatial.channelFirst();
        }

        /**
         * The data layout: {@code NCW}, {@code NCHW} or {@code NCDHW} (the default), or channels last ({@code NWC},
         * {@code NHWC}, {@code NDHWC}).
         */
        public B layout(String l) {
            this.layout = l;
            return self();
        }

        @Override
        public L build() {
            return factory.apply(self());
        }
    }

    /**
     * The window arguments of max and average pooling, with Gluon's defaults. Per-axis arguments take one number
     * for every spatial axis or one per axis.
     *
     * @param <B> the concrete builder
     * @param <L> the layer it builds
     */
    public abstract static class Windowed<B extends Windowed<B, L>, L extends Pool> extends Options<B, L> {
        Windowed(Spatial spatial, String poolType, Function<B, L> factory) {
            super(spatial, poolType, factory);
        }

        /** The window size per axis (default 2). */
        public B poolSize(int... size) {
            this.poolSize = size.clone();
            return self();
        }

        /** The window step per axis; {@code null} (the default) means the pool size. */
        public B strides(int... s) {
            this.strides = s == null ? null : s.clone();
            return self();
        }

        /** Implicit padding on both sides of each axis (default 0). */
        public B padding(int... p) {
            this.padding = p.clone();
            return self();
        }

        /** Whether output sizes round up rather than down (default false), MXNet's {@code full} convention. */
        public B ceilMode(boolean c) {
            this.ceilMode = c;
            return self();
        }
    }

    /** The builder of a max pooling layer. */
    public static final class Builder<L extends Pool> extends Windowed<Builder<L>, L> {
        Builder(Spatial spatial, Function<Builder<L>, L> factory) {
            super(spatial, "max", factory);
        }
    }

    /** The builder of an average pooling layer, which also takes {@code countIncludePad}. */
    public static final class AvgBuilder<L extends Pool> extends Windowed<AvgBuilder<L>, L> {
        AvgBuilder(Spatial spatial, Function<AvgBuilder<L>, L> factory) {
            super(spatial, "avg", factory);
            this.countIncludePad = true;
        }

        /** Whether padded positions count in each window's divisor (default true). */
        public AvgBuilder<L> countIncludePad(boolean c) {
            this.countIncludePad = c;
            return this;
        }
    }

    /** The builder of a global pooling layer: only the layout (and prefix) can be chosen. */
    public static final class GlobalBuilder<L extends Pool> extends Options<GlobalBuilder<L>, L> {
        GlobalBuilder(Spatial spatial, String poolType, Function<GlobalBuilder<L>, L> factory) {
            super(spatial, poolType, factory);
            this.poolSize = new int[] {1};
            this.ceilMode = true;
            this.global = true;
        }
    }
}
