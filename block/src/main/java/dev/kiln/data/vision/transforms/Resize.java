package dev.kiln.data.vision.transforms;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;

import java.util.Map;

/**
 * Gluon's {@code transforms.Resize}: resizes an {@code (H, W, C)} image or {@code (N, H, W, C)} batch, before
 * {@link ToTensor}, with OpenCV's rules ({@code _image_resize}). The size is one number (both sides, or with
 * {@code keepRatio} the short side) or, in Gluon's order, {@code (width, height)}. Interpolation 1 (bilinear, the
 * default) or 0 (nearest).
 */
public class Resize extends HybridBlock {
    private final int[] size;
    private final boolean keepRatio;
    private final int interpolation;

    public Resize(int size) {
        this(size, false, 1);
    }

    public Resize(int size, boolean keepRatio, int interpolation) {
        this(new int[] {size}, keepRatio, interpolation);
    }

    /** Resizes to {@code width x height} (Gluon's {@code size=(width, height)}). */
    public Resize(int width, int height) {
        this(width, height, 1);
    }

    public Resize(int width, int height, int interpolation) {
        this(new int[] {width, height}, false, interpolation);
    }

    private Resize(int[] size, boolean keepRatio, int interpolation) {
        FixedCrop.size("Resize", size);
        this.size = size;
        this.keepRatio = keepRatio;
        this.interpolation = FixedCrop.interpolation("Resize", interpolation);
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.imageResize(x, Map.of("size", size, "keep_ratio", keepRatio, "interp", interpolation));
    }
}
