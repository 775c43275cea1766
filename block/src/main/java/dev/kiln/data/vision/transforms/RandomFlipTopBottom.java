package dev.kiln.data.vision.transforms;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;

/**
 * Gluon's {@code transforms.RandomFlipTopBottom}: flips an {@code (H, W, C)} image top to bottom with probability one
 * half ({@code _image_random_flip_top_bottom}), drawing from Kiln's global generator.
 */
public class RandomFlipTopBottom extends HybridBlock {

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.imageRandomFlipTopBottom(x);
    }
}
