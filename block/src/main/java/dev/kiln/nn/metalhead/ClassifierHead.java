package dev.kiln.nn.metalhead;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.HybridSequential;
import dev.kiln.nn.Dense;
import dev.kiln.nn.Dropout;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.conv.AdaptiveAvgPool2D;
import dev.kiln.nn.conv.Conv2D;

/**
 * Metalhead's {@code create_classifier}, both forms: a pooling layer (default adaptive average to 1x1), a flatten
 * unless the classifier is a 1x1 convolution, an optional hidden layer, optional Dropout, and the output layer
 * (Dense, or a 1x1 convolution with {@code useConv}). As in Metalhead, a convolutional first layer requires no
 * pooling layer.
 */
public final class ClassifierHead {
    private final int inplanes;
    private final int nclasses;
    private String activation;
    private boolean useConv;
    private HybridBlock poolLayer = new AdaptiveAvgPool2D(1, 1);
    private Double dropoutProb;
    private int hiddenPlanes;
    private String hiddenActivation = "relu";
    private boolean hiddenUseConv;

    private ClassifierHead(int inplanes, int nclasses) {
        this.inplanes = inplanes;
        this.nclasses = nclasses;
    }

    /** One output layer from {@code inplanes} features to {@code nclasses}. */
    public static ClassifierHead of(int inplanes, int nclasses) {
        return new ClassifierHead(inplanes, nclasses);
    }

    /** The output layer's activation ({@code null}, the default, for the identity). */
    public ClassifierHead activation(String a) {
        this.activation = a;
        return this;
    }

    /** A 1x1 convolution instead of Dense for the output layer. */
    public ClassifierHead useConv(boolean c) {
        this.useConv = c;
        return this;
    }

    /** The pooling layer; {@code null} for none (Metalhead's {@code identity}). */
    public ClassifierHead poolLayer(HybridBlock pool) {
        this.poolLayer = pool;
        return this;
    }

    /** Dropout before the output layer; {@code null} (the default) for none. */
    public ClassifierHead dropoutProb(Double p) {
        this.dropoutProb = p;
        return this;
    }

    /**
     * The two-layer form: a hidden layer of {@code planes} with {@code act} (Metalhead's default relu), Dense or,
     * with {@code useConvHidden}, a 1x1 convolution.
     */
    public ClassifierHead hidden(int planes, String act, boolean useConvHidden) {
        this.hiddenPlanes = planes;
        this.hiddenActivation = act;
        this.hiddenUseConv = useConvHidden;
        return this;
    }

    public HybridSequential build() {
        boolean firstConv = hiddenPlanes > 0 ? hiddenUseConv : useConv;
        if (firstConv && poolLayer != null) {
            throw new IllegalArgumentException("createClassifier: the pool layer must be none when the first layer "
                    + "is a convolution");
        }
        HybridSequential head = new HybridSequential();
        if (poolLayer != null) {
            head.add(poolLayer);
            if (!firstConv) {
                head.add(new Flatten());
            }
        }
        int in = inplanes;
        if (hiddenPlanes > 0) {
            head.add(layer(hiddenUseConv, in, hiddenPlanes, hiddenActivation));
            in = hiddenPlanes;
        }
        if (dropoutProb != null) {
            head.add(new Dropout(dropoutProb));
        }
        head.add(layer(useConv, in, nclasses, activation));
        return head;
    }

    private static HybridBlock layer(boolean conv, int in, int out, String act) {
        return conv ? Conv2D.builder(out, 1, 1).inChannels(in).activation(act).build()
                : Dense.builder(out).inUnits(in).activation(act).build();
    }
}
