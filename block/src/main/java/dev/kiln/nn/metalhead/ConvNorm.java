package dev.kiln.nn.metalhead;

import dev.kiln.block.HybridBlock;
import dev.kiln.nn.Activation;
import dev.kiln.nn.conv.Conv2D;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Metalhead's {@code conv_norm(kernel_size, inplanes, outplanes, activation = relu; norm_layer = BatchNorm,
 * revnorm = false, preact = false, bias = (no norm layer), stride, pad, dilation, groups)}: a 2-D convolution and
 * a normalisation layer, returned as a list to add to a sequence. The activation follows the norm layer, or the
 * convolution with {@code preact}; {@code revnorm} puts the norm layer first (over {@code inplanes}) and the
 * activation on the convolution. With no norm layer, only the convolution, carrying the activation. Since Gluon's
 * norm layers take no activation, a norm-side activation is its own {@code Activation} layer after the norm.
 */
public final class ConvNorm {
    private final int[] kernelSize;
    private final int inplanes;
    private final int outplanes;
    private String activation = "relu";
    private NormLayerFactory normLayer = NormLayerFactory.batchNorm();
    private boolean revnorm;
    private boolean preact;
    private Boolean bias;
    private int stride = 1;
    private int pad;
    private int dilation = 1;
    private int groups = 1;

    private ConvNorm(int[] kernelSize, int inplanes, int outplanes) {
        if (kernelSize.length != 2) {
            throw new IllegalArgumentException("convNorm: kernel size must have 2 entries, got "
                    + java.util.Arrays.toString(kernelSize));
        }
        this.kernelSize = kernelSize.clone();
        this.inplanes = inplanes;
        this.outplanes = outplanes;
    }

    /** Metalhead's defaults: relu, BatchNorm after the convolution, no bias, stride 1, no padding. */
    public static ConvNorm of(int[] kernelSize, int inplanes, int outplanes) {
        return new ConvNorm(kernelSize, inplanes, outplanes);
    }

    /** The activation by MXNet name ({@code relu}, {@code sigmoid}, ...); {@code null} for the identity. */
    public ConvNorm activation(String a) {
        this.activation = a;
        return this;
    }

    /** The normalisation layer; {@code null} for none (Metalhead's {@code identity}). */
    public ConvNorm normLayer(NormLayerFactory f) {
        this.normLayer = f;
        return this;
    }

    public ConvNorm revnorm(boolean r) {
        this.revnorm = r;
        return this;
    }

    public ConvNorm preact(boolean p) {
        this.preact = p;
        return this;
    }

    /** Whether the convolution has a bias (default: only when there is no norm layer). */
    public ConvNorm bias(boolean b) {
        this.bias = b;
        return this;
    }

    public ConvNorm stride(int s) {
        this.stride = s;
        return this;
    }

    public ConvNorm pad(int p) {
        this.pad = p;
        return this;
    }

    public ConvNorm dilation(int d) {
        this.dilation = d;
        return this;
    }

    public ConvNorm groups(int g) {
        this.groups = g;
        return this;
    }

    /** The layers, in order. */
    public List<HybridBlock> build() {
        if (normLayer == null) {
            if (preact || revnorm) {
                throw new IllegalArgumentException("convNorm: preact and revnorm need a norm layer");
            }
            return List.of(conv(activation, true));
        }
        if (preact && revnorm) {
            throw new IllegalArgumentException("convNorm: preact and revnorm cannot be set at the same time");
        }
        boolean actOnConv = revnorm || preact;
        HybridBlock conv = conv(actOnConv ? activation : null, false);
        HybridBlock norm = normLayer.create(revnorm ? inplanes : outplanes);
        List<HybridBlock> layers = new ArrayList<>(List.of(conv, norm));
        if (revnorm) {
            Collections.reverse(layers);
        } else if (!actOnConv && activation != null) {
            layers.add(new Activation(activation));
        }
        return layers;
    }

    private HybridBlock conv(String act, boolean noNorm) {
        return Conv2D.builder(outplanes, kernelSize).inChannels(inplanes).strides(stride, stride).padding(pad, pad)
                .dilation(dilation, dilation).groups(groups).useBias(bias != null ? bias : noNorm).activation(act)
                .build();
    }
}
