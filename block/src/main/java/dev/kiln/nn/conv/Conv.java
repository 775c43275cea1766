package dev.kiln.nn.conv;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.init.Initializer;
import dev.kiln.nn.Activation;
import dev.kiln.nn.LayerBuilder;
import dev.kiln.op.IntTuple;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterSpec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What the convolution layers share (Gluon's {@code _Conv}): a {@code Convolution} or, for the transposed layers,
 * {@code Deconvolution} op named {@code fwd}, then an optional activation. The weight is
 * {@code (channels, inChannels / groups, kernel...)} for a convolution and {@code (inChannels, channels / groups,
 * kernel...)} for a transposed one, with the channel axis moved last in a channels-last layout (as MXNet's ops want
 * it); {@code inChannels} 0 (the default) defers it to the first input. The bias is {@code (channels)}.
 */
public abstract class Conv extends HybridBlock {
    private final int channels;
    private final int[] kernel;
    private final int[] strides;
    private final int[] padding;
    private final int[] dilation;
    private final int groups;
    private final boolean transposed;
    private final Map<String, Object> kwargs;
    private final Parameter weight;
    private final Parameter bias;
    private final Activation act;

    protected Conv(Options<?, ?> b) {
        super(b.prefix(), b.params(), "conv");
        String layer = getClass().getSimpleName();
        Spatial s = b.spatial;
        if (b.channels <= 0) {
            throw new IllegalArgumentException(layer + ": channels must be positive, got " + b.channels);
        }
        this.channels = b.channels;
        this.kernel = s.perAxis(layer, "kernelSize", b.kernelSize, 1);
        this.strides = s.perAxis(layer, "strides", b.strides, 1);
        this.padding = s.perAxis(layer, "padding", b.padding, 0);
        this.dilation = s.perAxis(layer, "dilation", b.dilation, 1);
        this.groups = b.groups;
        this.transposed = b.outputPadding != null;
        checkGroups(layer, b.inChannels);
        boolean channelLast = s.isChannelLast(layer, b.layout, s != Spatial.ONE);
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("stride", IntTuple.of(strides));
        k.put("dilate", IntTuple.of(dilation));
        k.put("pad", IntTuple.of(padding));
        k.put("num_group", groups);
        k.put("no_bias", !b.useBias);
        k.put("layout", b.layout);
        if (transposed) {
            k.put("adj", IntTuple.of(outputPadding(layer, s, b.outputPadding)));
        }
        k.put("name", "fwd");
        this.kwargs = Collections.unmodifiableMap(k);
        try (var ignored = nameScope()) {
            this.weight = param("weight", ParameterSpec.of().shape(weightShape(b.inChannels, channelLast))
                    .init(b.weightInitializer).allowDeferredInit(true));
            this.bias = b.useBias ? param("bias", ParameterSpec.of().shape(channels).init(b.biasInitializer)
                    .allowDeferredInit(true)) : null;
            this.act = b.activation == null ? null
                    : registerChild(new Activation(b.activation, b.activation + "_", null), "act");
        }
    }

    private void checkGroups(String layer, int inChannels) {
        if (groups <= 0) {
            throw new IllegalArgumentException(layer + ": groups must be positive, got " + groups);
        }
        if (channels % groups != 0) {
            throw new IllegalArgumentException(layer + ": groups=" + groups + " must divide channels=" + channels);
        }
        if (inChannels < 0) {
            throw new IllegalArgumentException(layer + ": inChannels must be positive, or 0 to infer it from the"
                    + " first input, got " + inChannels);
        }
        if (inChannels % groups != 0) {
            throw new IllegalArgumentException(layer + ": groups=" + groups + " must divide inChannels="
                    + inChannels);
        }
    }

    /** The checked {@code adj}: each must be smaller than its stride, as Deconvolution requires. */
    private int[] outputPadding(String layer, Spatial s, int[] given) {
        int[] adj = s.perAxis(layer, "outputPadding", given, 0);
        for (int i = 0; i < adj.length; i++) {
            if (adj[i] >= strides[i]) {
                throw new IllegalArgumentException(layer + ": outputPadding=" + Spatial.show(adj)
                        + " must be smaller than strides=" + Spatial.show(strides) + " on every axis");
            }
        }
        return adj;
    }

    /** Gluon's weight shape (0 where {@code inChannels} is not known yet). */
    private int[] weightShape(int inChannels, boolean channelLast) {
        int rank = kernel.length;
        int[] w = new int[rank + 2];
        w[0] = transposed ? inChannels : channels;
        w[1] = transposed ? channels / groups : inChannels / groups;
        System.arraycopy(kernel, 0, w, 2, rank);
        if (channelLast) {
            int c = w[1];
            System.arraycopy(w, 2, w, 1, rank);
            w[rank + 1] = c;
        }
        return w;
    }

    /** Output channels, Gluon's {@code channels}. */
    public int channels() {
        return channels;
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or {@code null} without one. */
    public Parameter bias() {
        return bias;
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        T b = bias == null ? null : p.get("bias");
        IntTuple k = IntTuple.of(kernel);
        T y = transposed ? F.deconvolution(x, p.get("weight"), b, k, channels, kwargs)
                : F.convolution(x, p.get("weight"), b, k, channels, kwargs);
        return act == null ? y : act.call(F, y);
    }

    /**
     * Gluon 1.x's repr: {@code Conv2D(3 -> 16, kernel_size=(3, 3), stride=(1, 1))}, then padding, dilation, groups,
     * {@code bias=False} and the activation where they differ from the defaults. As in Gluon 1.x the mapping is
     * {@code weight.shape[1] -> weight.shape[0]} ({@code None} for an unknown left side, 0 for an unknown right side)
     * whatever the layer, and output padding is never shown.
     */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(getClass().getSimpleName()).append('(');
        int in = weight.shape().get(1);
        s.append(in > 0 ? Integer.toString(in) : "None").append(" -> ").append(Math.max(0, weight.shape().get(0)));
        s.append(", kernel_size=").append(Spatial.show(kernel)).append(", stride=").append(Spatial.show(strides));
        if (!all(padding, 0)) {
            s.append(", padding=").append(Spatial.show(padding));
        }
        if (!all(dilation, 1)) {
            s.append(", dilation=").append(Spatial.show(dilation));
        }
        if (groups != 1) {
            s.append(", groups=").append(groups);
        }
        if (bias == null) {
            s.append(", bias=False");
        }
        if (act != null) {
            s.append(", ").append(act);
        }
        return s.append(')').toString();
    }

    private static boolean all(int[] values, int v) {
        for (int x : values) {
            if (x != v) {
                return false;
            }
        }
        return true;
    }

    /**
     * Gluon's convolution arguments beyond {@code channels} and {@code kernelSize}, with Gluon's defaults. Per-axis
     * arguments take one number for every spatial axis or one per axis.
     *
     * @param <B> the concrete builder
     * @param <L> the layer it builds
     */
    public abstract static class Options<B extends Options<B, L>, L extends Conv> extends LayerBuilder<B, L> {
        private final Spatial spatial;
        private final Function<B, L> factory;
        private final int channels;
        private final int[] kernelSize;
        private int[] strides = {1};
        private int[] padding = {0};
        private int[] dilation = {1};
        private int groups = 1;
        private String layout;
        private String activation;
        private boolean useBias = true;
        private Initializer weightInitializer;
        private Initializer biasInitializer = initializer("zeros");
        private int inChannels;
        int[] outputPadding;

        Options(Spatial spatial, int channels, int[] kernelSize, Function<B, L> factory) {
            this.spatial = spatial;
            this.channels = channels;
            this.kernelSize = kernelSize == null ? null : kernelSize.clone();
            this.factory = factory;
            this.layout = spatial.channelFirst();
        }

        /** The step of the window per axis (default 1). */
        public B strides(int... s) {
            this.strides = s.clone();
            return self();
        }

        /** Implicit zero padding on both sides of each axis (default 0). */
        public B padding(int... p) {
            this.padding = p.clone();
            return self();
        }

        /** The spacing of kernel taps per axis (default 1). */
        public B dilation(int... d) {
            this.dilation = d.clone();
            return self();
        }

        /** Channel groups: each group of outputs sees only its share of the inputs (default 1). */
        public B groups(int g) {
            this.groups = g;
            return self();
        }

        /**
         * The data layout: {@code NCW}, {@code NCHW} or {@code NCDHW} (the default), or channels last
         * ({@code NHWC}, {@code NDHWC}) for the 2-D and 3-D layers, as Gluon allows.
         */
        public B layout(String l) {
            this.layout = l;
            return self();
        }

        /** The activation after the convolution ({@code null}, the default, for none). */
        public B activation(String a) {
            this.activation = a;
            return self();
        }

        /** Whether the layer has a bias (default true). */
        public B useBias(boolean b) {
            this.useBias = b;
            return self();
        }

        /** The weight's own initialiser (default none: the one given to {@code initialize}). */
        public B weightInitializer(Initializer i) {
            this.weightInitializer = i;
            return self();
        }

        public B weightInitializer(String nameOrJson) {
            return weightInitializer(initializer(nameOrJson));
        }

        /** The bias's own initialiser (default {@code zeros}). */
        public B biasInitializer(Initializer i) {
            this.biasInitializer = i;
            return self();
        }

        public B biasInitializer(String nameOrJson) {
            return biasInitializer(initializer(nameOrJson));
        }

        /** Input channels; 0 (the default) infers them from the first input. */
        public B inChannels(int n) {
            this.inChannels = n;
            return self();
        }

        @Override
        public L build() {
            return factory.apply(self());
        }
    }

    /** The builder of a convolution layer. */
    public static final class Builder<L extends Conv> extends Options<Builder<L>, L> {
        Builder(Spatial spatial, int channels, int[] kernelSize, Function<Builder<L>, L> factory) {
            super(spatial, channels, kernelSize, factory);
        }
    }

    /** The builder of a transposed convolution layer, which also takes {@code outputPadding}. */
    public static final class TransposeBuilder<L extends Conv> extends Options<TransposeBuilder<L>, L> {
        TransposeBuilder(Spatial spatial, int channels, int[] kernelSize, Function<TransposeBuilder<L>, L> factory) {
            super(spatial, channels, kernelSize, factory);
            this.outputPadding = new int[] {0};
        }

        /**
         * Extra size added to one side of each output axis, MXNet's {@code adj} (default 0); each must be smaller
         * than its stride.
         */
        public TransposeBuilder<L> outputPadding(int... p) {
            this.outputPadding = p.clone();
            return this;
        }
    }
}
