package dev.kiln.examples.unet;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.HybridSequential;
import dev.kiln.block.ParameterValues;
import dev.kiln.nn.Dropout;
import dev.kiln.nn.LeakyReLU;
import dev.kiln.nn.conv.Conv2D;
import dev.kiln.nn.conv.Conv2DTranspose;
import dev.kiln.nn.norm.BatchNorm;
import dev.kiln.op.surface.F;

import java.util.List;
import java.util.Map;

/**
 * The Flux model-zoo UNet in Kiln, at a width divided by {@code 64 / base}: conv blocks (3x3 conv, BatchNorm, leaky
 * ReLU 0.2), down blocks (4x4 stride-2 conv, BatchNorm, leaky ReLU 0.2), up blocks taking {@code (x, bridge)} (leaky
 * ReLU, 2x2 stride-2 transposed conv, BatchNorm, Dropout, then concatenation with the bridge on the channel axis),
 * a final leaky ReLU and 1x1 conv, and tanh. Input (N, 1, H, W) with H and W divisible by 16.
 */
public class UNet extends HybridBlock {
    private final HybridSequential convBlocks = new HybridSequential();
    private final HybridSequential downBlocks = new HybridSequential();
    private final HybridSequential upBlocks = new HybridSequential();
    private final HybridSequential last = new HybridSequential();

    /** {@code base} is the model zoo's 64 scaled down; channels are base, 2 base, ... 16 base. */
    public UNet(int base) {
        super(null, null, "unet");
        int[] w = {base, 2 * base, 4 * base, 8 * base, 16 * base};
        try (var ignored = nameScope()) {
            convBlocks.add(convBlock(3), convBlock(w[0]), convBlock(w[1]), convBlock(w[2]), convBlock(w[3]),
                    convBlock(w[4]), convBlock(w[4]));
            downBlocks.add(down(w[0]), down(w[1]), down(w[2]), down(w[3]));
            upBlocks.add(new UpBlock(w[3], 0.5), new UpBlock(w[2], 0.5), new UpBlock(w[1], 0.5),
                    new UpBlock(w[0], 0.0));
            last.add(new LeakyReLU(0.2), new Conv2D(1, 1));
        }
        registerChild(convBlocks, "conv_blocks");
        registerChild(downBlocks, "conv_down_blocks");
        registerChild(upBlocks, "up_blocks");
        registerChild(last, "last");
    }

    private static HybridSequential convBlock(int out) {
        return new HybridSequential().add(Conv2D.builder(out, 3, 3).padding(1, 1).build(), new BatchNorm(),
                new LeakyReLU(0.2));
    }

    private static HybridSequential down(int out) {
        return new HybridSequential().add(Conv2D.builder(out, 4, 4).padding(1, 1).strides(2, 2).build(),
                new BatchNorm(), new LeakyReLU(0.2));
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        T op = convBlocks.get(1).call(F, convBlocks.get(0).call(F, x));
        T x1 = convBlocks.get(2).call(F, downBlocks.get(0).call(F, op));
        T x2 = convBlocks.get(3).call(F, downBlocks.get(1).call(F, x1));
        T x3 = convBlocks.get(4).call(F, downBlocks.get(2).call(F, x2));
        T x4 = convBlocks.get(5).call(F, downBlocks.get(3).call(F, x3));
        T up4 = convBlocks.get(6).call(F, x4);
        T up1 = up(F, 0, up4, x3);
        T up2 = up(F, 1, up1, x2);
        T up3 = up(F, 2, up2, x1);
        T up5 = up(F, 3, up3, op);
        return F.tanh(last.call(F, up5));
    }

    private <T> T up(F<T> F, int i, T x, T bridge) {
        return upBlocks.get(i).callAll(F, List.of(x, bridge)).get(0);
    }

    /** An up block: {@code concat(dropout(bn(convT(leakyrelu(x)))), bridge)} on the channel axis. */
    static final class UpBlock extends HybridBlock {
        private final HybridSequential upsample = new HybridSequential();

        UpBlock(int out, double dropout) {
            super(null, null, "unetupblock");
            try (var ignored = nameScope()) {
                upsample.add(new LeakyReLU(0.2), Conv2DTranspose.builder(out, 2, 2).strides(2, 2).build(),
                        new BatchNorm(), new Dropout(dropout));
            }
            registerChild(upsample, "upsample");
        }

        @Override
        protected <T> List<T> hybridForward(F<T> F, List<T> inputs, ParameterValues<T> p) {
            T up = upsample.call(F, inputs.get(0));
            return List.of(F.concat(List.of(up, inputs.get(1)), Map.of("dim", 1)));
        }
    }
}
