package dev.kiln.bench.models;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.HybridSequential;
import dev.kiln.block.ParameterValues;
import dev.kiln.nn.conv.Conv2D;
import dev.kiln.nn.norm.BatchNorm;
import dev.kiln.op.surface.F;

import java.util.Map;

/**
 * ResNet's basic block, version 1 (as Gluon's model zoo {@code BasicBlockV1}): two 3x3 convolutions without bias,
 * each followed by BatchNorm, ReLU after the first and after the residual sum; when the stride or the channel count
 * changes, the shortcut is a 1x1 strided convolution with BatchNorm.
 */
public final class BasicBlockV1 extends HybridBlock {
    private final HybridSequential body = new HybridSequential();
    private final HybridSequential downsample;

    public BasicBlockV1(int channels, int stride, boolean downsample) {
        super(null, null, "basicblockv1");
        try (var ignored = nameScope()) {
            body.add(conv(channels, 3, stride), new BatchNorm(), new dev.kiln.nn.Activation("relu"),
                    conv(channels, 3, 1), new BatchNorm());
            this.downsample = downsample ? new HybridSequential().add(conv(channels, 1, stride), new BatchNorm())
                    : null;
        }
        registerChild(body, "body");
        if (this.downsample != null) {
            registerChild(this.downsample, "downsample");
        }
    }

    static Conv2D conv(int channels, int kernel, int stride) {
        return Conv2D.builder(channels, kernel, kernel).strides(stride, stride).padding(kernel / 2, kernel / 2)
                .useBias(false).build();
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        T residual = downsample == null ? x : downsample.call(F, x);
        T sum = F.elemwiseAdd(body.call(F, x), residual, Map.of("name", "add"));
        return F.activation(sum, "relu", Map.of("name", "relu"));
    }
}
