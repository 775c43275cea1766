package dev.kiln.op.image;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.List;

/**
 * MXNet's image ops, the ones Gluon's vision transforms call: to_tensor, normalize, resize, crop and the (random)
 * flips, with the gradient ops of normalize and crop.
 */
public final class ImageOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        return List.of(new ToTensorOp(), new NormalizeOp(), new NormalizeOp("_backward_image_normalize"),
                new ResizeOp(), CropOp.forward(), CropOp.gradientOp(), FlipOp.leftRight(false),
                FlipOp.topBottom(false), FlipOp.leftRight(true), FlipOp.topBottom(true));
    }
}
