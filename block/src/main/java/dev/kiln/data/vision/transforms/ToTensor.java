package dev.kiln.data.vision.transforms;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;

/**
 * Gluon's {@code transforms.ToTensor}: an image {@code (H, W, C)} or batch {@code (N, H, W, C)} with values in
 * [0, 255] becomes a float32 tensor {@code (C, H, W)} / {@code (N, C, H, W)} in [0, 1] ({@code _image_to_tensor}).
 */
public class ToTensor extends HybridBlock {

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.imageToTensor(x);
    }
}
