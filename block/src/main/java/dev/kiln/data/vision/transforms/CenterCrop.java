package dev.kiln.data.vision.transforms;

import dev.kiln.block.Block;
import dev.kiln.ndarray.NDArray;

/**
 * Gluon's {@code transforms.CenterCrop}: the centred window of {@code size = (width, height)} of an {@code (H, W, C)}
 * image (or, in Kiln, every image of an {@code (N, H, W, C)} batch). A window larger than the image is first scaled
 * down to fit, keeping its aspect ratio, and the crop resized up to {@code size}. A plain block, as in Gluon.
 */
public class CenterCrop extends Block {
    private final int[] size;
    private final int interpolation;

    /** A square crop of {@code size}, resized bilinearly if needed. */
    public CenterCrop(int size) {
        this(new int[] {size}, 1);
    }

    public CenterCrop(int width, int height) {
        this(new int[] {width, height}, 1);
    }

    /** {@code size} is one number or {@code (width, height)}; interpolation 0 (nearest) or 1 (bilinear). */
    public CenterCrop(int[] size, int interpolation) {
        this.size = FixedCrop.size("CenterCrop", size);
        this.interpolation = FixedCrop.interpolation("CenterCrop", interpolation);
    }

    @Override
    public NDArray forward(NDArray x) {
        return FixedCrop.center(x, FixedCrop.heightWidth("CenterCrop", x), size, interpolation);
    }
}
