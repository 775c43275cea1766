package dev.kiln.data.vision.transforms;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;

import java.util.Map;

/**
 * MXNet's {@code image.fixed_crop} and {@code image.center_crop} on an {@code (H, W, C)} image or every image of an
 * {@code (N, H, W, C)} batch: cut a window with {@code _image_crop}, then resize it with {@code _image_resize} when
 * its size is not the wanted {@code (width, height)}.
 */
final class FixedCrop {
    private FixedCrop() {
    }

    /** {@code (height, width)} of an image or batch, failing with the transform's name for anything else. */
    static int[] heightWidth(String transform, NDArray x) {
        Shape s = x.shape();
        if (s.rank() != 3 && s.rank() != 4) {
            throw new KilnException(transform + " needs an image (H, W, C) or a batch (N, H, W, C), got shape " + s
                    + " " + x.dtype());
        }
        return new int[] {s.get(s.rank() - 3), s.get(s.rank() - 2)};
    }

    /** The window {@code w x h} at {@code (x0, y0)}, resized to {@code size = (width, height)} if it differs. */
    static NDArray crop(NDArray x, int x0, int y0, int w, int h, int[] size, int interpolation) {
        NDArray out = Ops.call("_image_crop", Map.of("x", x0, "y", y0, "width", w, "height", h), x);
        if (w != size[0] || h != size[1]) {
            out = Ops.call("_image_resize", Map.of("size", size, "interp", interpolation), out);
        }
        return out;
    }

    /**
     * The centred window of {@code size = (width, height)}, scaled down (keeping its aspect ratio, truncated) to fit
     * the image as MXNet's {@code scale_down} does, then resized to {@code size}.
     */
    static NDArray center(NDArray x, int[] hw, int[] size, int interpolation) {
        double w = size[0];
        double h = size[1];
        if (hw[0] < h) {
            w = w * hw[0] / h;
            h = hw[0];
        }
        if (hw[1] < w) {
            h = h * hw[1] / w;
            w = hw[1];
        }
        int cw = (int) w;
        int ch = (int) h;
        return crop(x, (hw[1] - cw) / 2, (hw[0] - ch) / 2, cw, ch, size, interpolation);
    }

    /** Gluon's size argument: one number for a square, else {@code (width, height)}; each positive. */
    static int[] size(String transform, int... size) {
        if (size.length != 1 && size.length != 2) {
            throw new KilnException(transform + " size must be one number or (width, height), got "
                    + java.util.Arrays.toString(size));
        }
        for (int s : size) {
            if (s <= 0) {
                throw new KilnException(transform + " size must be positive, got " + java.util.Arrays.toString(size));
            }
        }
        return size.length == 1 ? new int[] {size[0], size[0]} : size.clone();
    }

    /** Fails unless {@code interpolation} is one Kiln resizes with. */
    static int interpolation(String transform, int interpolation) {
        if (interpolation != 0 && interpolation != 1) {
            throw new KilnException(transform + " interpolation must be 0 (nearest) or 1 (bilinear), got "
                    + interpolation);
        }
        return interpolation;
    }
}
