package dev.kiln.nn.metalhead;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;

import java.util.Locale;
import java.util.Map;

/**
 * Metalhead's {@code DropBlock(drop_block_prob = 0.1, block_size = 7, gamma_scale = 1.0)}: in training mode, zeroes
 * contiguous {@code blockSize x blockSize} regions of each feature map of NCHW input and rescales the rest; in
 * predict mode, the identity. The op is {@code _contrib_DropBlock}, so the layer runs alike eagerly and in a graph
 * (the mode is read when the graph runs, not when it is traced). {@link Layers#dropBlock} is the functional form.
 */
public class DropBlock extends HybridBlock {
    private final double dropBlockProb;
    private final int blockSize;
    private final double gammaScale;

    /** Metalhead's defaults: probability 0.1, block size 7, gamma scale 1. */
    public DropBlock() {
        this(0.1, 7, 1.0);
    }

    public DropBlock(double dropBlockProb, int blockSize, double gammaScale) {
        super(null, null, "dropblock");
        if (!(dropBlockProb >= 0 && dropBlockProb <= 1)) {
            throw new IllegalArgumentException("DropBlock: drop_block_prob must be between 0 and 1, got "
                    + dropBlockProb);
        }
        if (!(gammaScale >= 0 && gammaScale <= 1)) {
            throw new IllegalArgumentException("DropBlock: gamma_scale must be between 0 and 1, got " + gammaScale);
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("DropBlock: block_size must be positive, got " + blockSize);
        }
        this.dropBlockProb = dropBlockProb;
        this.blockSize = blockSize;
        this.gammaScale = gammaScale;
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return Layers.dropBlock(F, x, dropBlockProb, blockSize, gammaScale);
    }

    /** Metalhead's show: {@code DropBlock(0.1, block_size = 7, gamma_scale = 1.0)}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "DropBlock(%s, block_size = %d, gamma_scale = %s)", dropBlockProb,
                blockSize, gammaScale);
    }

    static Map<String, Object> attrs(double p, int blockSize, double gammaScale) {
        return Map.of("p", p, "block_size", blockSize, "gamma_scale", gammaScale, "name", "fwd");
    }
}
