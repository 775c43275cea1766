package dev.kiln.nn.metalhead;

import dev.kiln.block.Connection;
import dev.kiln.block.HybridBlock;
import dev.kiln.block.HybridSequential;
import dev.kiln.block.Identity;
import dev.kiln.block.Parallel;
import dev.kiln.nn.conv.AdaptiveAvgPool2D;
import dev.kiln.nn.conv.AdaptiveMaxPool2D;
import dev.kiln.op.IntTuple;
import dev.kiln.op.surface.F;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Metalhead's layer factories and functions, in Java: each returns Kiln layers (or a list of them to add to a
 * sequence) with Metalhead's documented semantics.
 */
public final class Layers {
    private Layers() {
    }

    /** {@code convNorm(kernel, in, out)} with Metalhead's defaults (relu, BatchNorm); see {@link ConvNorm}. */
    public static List<HybridBlock> convNorm(int[] kernelSize, int inplanes, int outplanes) {
        return ConvNorm.of(kernelSize, inplanes, outplanes).build();
    }

    /** {@code convNorm} with an activation ({@code null} for the identity) and Metalhead's other defaults. */
    public static List<HybridBlock> convNorm(int[] kernelSize, int inplanes, int outplanes, String activation) {
        return ConvNorm.of(kernelSize, inplanes, outplanes).activation(activation).build();
    }

    /**
     * Metalhead's {@code basic_conv_bn}: {@code convNorm} with TensorFlow's BatchNorm epsilon 1e-3 (or no norm layer
     * when {@code batchnorm} is false), as the Inception models use it.
     */
    public static ConvNorm basicConvBn(int[] kernelSize, int inplanes, int outplanes, String activation,
                                       boolean batchnorm) {
        return ConvNorm.of(kernelSize, inplanes, outplanes).activation(activation)
                .normLayer(batchnorm ? NormLayerFactory.batchNorm(1e-3) : null);
    }

    /** Metalhead's {@code prenorm(planes, block; norm_layer = LayerNorm)}: the norm layer, then the block. */
    public static HybridSequential prenorm(int planes, HybridBlock block, NormLayerFactory normLayer) {
        return new HybridSequential().add(normLayer.create(planes), block);
    }

    public static HybridSequential prenorm(int planes, HybridBlock block) {
        return prenorm(planes, block, NormLayerFactory.layerNorm());
    }

    /**
     * Metalhead's {@code AdaptiveMeanMaxPool(connection = +, output_size = (1, 1))}: adaptive average and max pooling
     * of the same input, joined by {@code connection}.
     */
    public static Parallel adaptiveMeanMaxPool(Connection connection, int... outputSize) {
        int[] size = outputSize.length == 0 ? new int[] {1, 1} : outputSize;
        return new Parallel(connection, new AdaptiveAvgPool2D(size), new AdaptiveMaxPool2D(size));
    }

    public static Parallel adaptiveMeanMaxPool(int... outputSize) {
        return adaptiveMeanMaxPool(Connection.add(), outputSize);
    }

    /** Metalhead's one-layer {@code create_classifier(inplanes, nclasses)} with its defaults. */
    public static HybridSequential createClassifier(int inplanes, int nclasses) {
        return ClassifierHead.of(inplanes, nclasses).build();
    }

    /** The two-layer form, relu on the hidden layer, Dense layers. */
    public static HybridSequential createClassifier(int inplanes, int hiddenPlanes, int nclasses) {
        return ClassifierHead.of(inplanes, nclasses).hidden(hiddenPlanes, "relu", false).build();
    }

    /** A {@link DropBlock}, or the identity when {@code dropBlockProb} is {@code null} (Metalhead's nothing). */
    public static HybridBlock dropBlock(Double dropBlockProb, int blockSize, double gammaScale) {
        return dropBlockProb == null ? new Identity() : new DropBlock(dropBlockProb, blockSize, gammaScale);
    }

    /** A {@link StochasticDepth}, or the identity when {@code p} is {@code null}. */
    public static HybridBlock stochasticDepth(Double p, StochasticDepth.Mode mode) {
        return p == null ? new Identity() : new StochasticDepth(p, mode);
    }

    /** A {@link LayerScale} over the last axis, or the identity when {@code lambda <= 0}, as Metalhead. */
    public static HybridBlock layerScale(int planes, double lambda) {
        return lambda > 0 ? new LayerScale(planes, lambda) : new Identity();
    }

    /**
     * Metalhead's {@code dropblock(x, drop_block_prob, block_size, gamma_scale)}, the functional form of
     * {@link DropBlock}, on either backend; active in training mode only.
     */
    public static <T> T dropBlock(F<T> F, T x, double dropBlockProb, int blockSize, double gammaScale) {
        return F.dropBlock(x, DropBlock.attrs(dropBlockProb, blockSize, gammaScale));
    }

    /**
     * Metalhead's {@code linear_scheduler(drop_prob; depth, start_value)}: {@code depth} evenly spaced values from
     * {@code startValue} towards {@code dropProb}, excluding {@code dropProb} itself (the drop rates of successive
     * blocks under the linear scaling rule).
     */
    public static List<Double> linearScheduler(double dropProb, int depth, double startValue) {
        if (depth < 0) {
            throw new IllegalArgumentException("linearScheduler: depth must not be negative, got " + depth);
        }
        List<Double> out = new ArrayList<>(depth);
        for (int i = 0; i < depth; i++) {
            out.add(startValue + (dropProb - startValue) * i / depth);
        }
        return out;
    }

    /** {@link #linearScheduler(double, int, double)} from 0. */
    public static List<Double> linearScheduler(double dropProb, int depth) {
        return linearScheduler(dropProb, depth, 0.0);
    }

    /**
     * {@code (x - mean) / sqrt(var + eps)} over {@code axes} ({@code epsInsideSqrt}, PyTorch's and LayerNormV2's),
     * or {@code (x - mean) / (std + eps)} (Flux's {@code normalise}); population variance.
     */
    static <T> T normalise(F<T> F, T x, IntTuple axes, double eps, boolean epsInsideSqrt) {
        Map<String, Object> over = Map.of("axis", axes, "keepdims", true);
        T centred = F.broadcastSub(x, F.mean(x, over));
        T var = F.mean(F.square(centred), over);
        T denominator = epsInsideSqrt ? F.sqrt(F.plusScalar(var, eps)) : F.plusScalar(F.sqrt(var), eps);
        return F.broadcastDiv(centred, denominator);
    }

    /** A per-channel vector reshaped to broadcast along {@code axis} counted from the end ({@code -3}: NCHW's C). */
    static <T> T alongAxisFromEnd(F<T> F, T vector, int axis) {
        if (axis == -1) {
            return vector;
        }
        int[] dims = new int[-axis];
        java.util.Arrays.fill(dims, 1);
        dims[0] = -1;
        return F.reshape(vector, Map.of("shape", IntTuple.of(dims)));
    }
}
