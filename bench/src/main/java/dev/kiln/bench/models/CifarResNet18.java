package dev.kiln.bench.models;

import dev.kiln.block.HybridSequential;
import dev.kiln.nn.Activation;
import dev.kiln.nn.Dense;
import dev.kiln.nn.conv.GlobalAvgPool2D;
import dev.kiln.nn.norm.BatchNorm;

/**
 * ResNet-18 for 3x32x32 CIFAR images: a 3x3 stem of 64 channels (no max pooling), four stages of two
 * {@link BasicBlockV1} with 64, 128, 256 and 512 channels (stages 2 to 4 start with stride 2), global average
 * pooling and a 10-way Dense classifier.
 */
public final class CifarResNet18 extends HybridSequential {
    public CifarResNet18() {
        add(BasicBlockV1.conv(64, 3, 1), new BatchNorm(), new Activation("relu"));
        int[] widths = {64, 128, 256, 512};
        for (int s = 0; s < widths.length; s++) {
            int stride = s == 0 ? 1 : 2;
            add(new BasicBlockV1(widths[s], stride, s > 0), new BasicBlockV1(widths[s], 1, false));
        }
        add(new GlobalAvgPool2D(), new Dense(10));
    }
}
