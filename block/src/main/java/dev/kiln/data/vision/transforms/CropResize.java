package dev.kiln.data.vision.transforms;

import dev.kiln.KilnException;
import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;

import java.util.Map;

/**
 * Gluon's {@code transforms.CropResize}: the {@code width x height} window at {@code (x, y)} of an {@code (H, W, C)}
 * image or {@code (N, H, W, C)} batch ({@code _image_crop}), optionally resized to {@code size}
 * ({@code _image_resize}).
 */
public class CropResize extends HybridBlock {
    private final int x;
    private final int y;
    private final int width;
    private final int height;
    private final int[] size;
    private final int interpolation;

    public CropResize(int x, int y, int width, int height) {
        this(x, y, width, height, null, 1);
    }

    /** With {@code size} one number or {@code (width, height)} ({@code null} for no resize). */
    public CropResize(int x, int y, int width, int height, int[] size, int interpolation) {
        if (x < 0 || y < 0 || width <= 0 || height <= 0) {
            throw new KilnException("CropResize needs x, y >= 0 and a positive width and height, got x=" + x + ", y="
                    + y + ", width=" + width + ", height=" + height);
        }
        this.x = x;
        this.y = y;
        this.width = width;
        this.height = height;
        this.size = size == null ? null : FixedCrop.size("CropResize", size);
        this.interpolation = FixedCrop.interpolation("CropResize", interpolation);
    }

    @Override
    protected <T> T hybridForward(F<T> F, T data, ParameterValues<T> p) {
        T out = F.imageCrop(data, x, y, width, height);
        if (size != null) {
            out = F.imageResize(out, Map.of("size", size, "interp", interpolation));
        }
        return out;
    }
}
