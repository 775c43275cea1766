package dev.kiln.data.vision.transforms;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;

/**
 * Gluon's {@code transforms.RandomFlipLeftRight}: flips an {@code (H, W, C)} image left to right with probability one
 * half ({@code _image_random_flip_left_right}), drawing from Kiln's global generator, so
 * {@code dev.kiln.random.Random.seed} repeats the flips, eager or hybridized.
 */
public class RandomFlipLeftRight extends HybridBlock {

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.imageRandomFlipLeftRight(x);
    }
}
