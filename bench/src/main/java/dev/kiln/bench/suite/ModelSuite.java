package dev.kiln.bench.suite;

import dev.kiln.bench.models.CifarResNet18;
import dev.kiln.bench.models.Mlp;
import dev.kiln.bench.models.NormBlock;
import dev.kiln.bench.models.SmallCnn;
import dev.kiln.bench.models.TransformerEncoderLayer;
import dev.kiln.block.HybridBlock;
import dev.kiln.examples.unet.UNet;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The rows of issue #8's benchmark table: MLP, small CNN, UNet, norm block, CIFAR ResNet-18 and a transformer
 * encoder layer at the batch sizes, inference for all and forward+backward for the MLP, CNN and ResNet.
 */
public final class ModelSuite {
    private ModelSuite() {
    }

    /** Every row, in table order. */
    public static List<ModelCase> rows() {
        List<ModelCase> rows = new ArrayList<>();
        for (int batch : new int[] {8, 64}) {
            both(rows, "MLP 784-256-128-10", Mlp::new, Shape.of(batch, 784));
        }
        for (int batch : new int[] {4, 64}) {
            both(rows, "CNN 2x(conv-bn-relu-pool)", SmallCnn::new, Shape.of(batch, 1, 28, 28));
        }
        rows.add(new ModelCase("UNet 32x32", () -> new UNet(8), Shape.of(2, 3, 32, 32), false));
        rows.add(new ModelCase("LayerNorm-GELU-affine-softmax", () -> new NormBlock(64), Shape.of(4, 16, 64),
                false));
        for (int batch : new int[] {1, 32}) {
            both(rows, "ResNet-18 CIFAR", CifarResNet18::new, Shape.of(batch, 3, 32, 32));
        }
        rows.add(new ModelCase("Transformer encoder (256, 8 heads)", () -> new TransformerEncoderLayer(256, 8, 1024),
                Shape.of(8, 128, 256), false));
        return rows;
    }

    private static void both(List<ModelCase> rows, String model, Supplier<HybridBlock> factory, Shape input) {
        rows.add(new ModelCase(model, factory, input, false));
        rows.add(new ModelCase(model, factory, input, true));
    }
}
