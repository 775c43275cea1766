package dev.kiln.data.vision.transforms;

import dev.kiln.KilnException;
import dev.kiln.block.Block;
import dev.kiln.ndarray.NDArray;
import dev.kiln.random.Generator;
import dev.kiln.random.Random;

/**
 * Gluon's {@code transforms.RandomResizedCrop} ({@code image.random_size_crop}): up to ten tries draw an area, a
 * fraction in {@code scale} of the image's, and an aspect ratio {@code width / height} log-uniform in {@code ratio};
 * the first window {@code round(sqrt(area * ratio)) x round(sqrt(area / ratio))} that fits is placed uniformly and
 * resized to {@code size = (width, height)}. If none fits, a {@link CenterCrop}. Draws come from Kiln's global
 * generator ({@link Random#seed} repeats the crops); one crop serves every image of an {@code (N, H, W, C)} batch.
 */
public class RandomResizedCrop extends Block {
    private static final int TRIES = 10;
    private final int[] size;
    private final double[] scale;
    private final double[] ratio;
    private final int interpolation;

    /** A square output of {@code size} with Gluon's defaults: scale (0.08, 1), ratio (3/4, 4/3), bilinear. */
    public RandomResizedCrop(int size) {
        this(new int[] {size}, new double[] {0.08, 1.0}, new double[] {3.0 / 4.0, 4.0 / 3.0}, 1);
    }

    /**
     * @param size          one number or {@code (width, height)}
     * @param scale         {@code (min, max)} fraction of the image's area
     * @param ratio         {@code (min, max)} aspect ratio, width over height
     * @param interpolation 0 (nearest) or 1 (bilinear)
     */
    public RandomResizedCrop(int[] size, double[] scale, double[] ratio, int interpolation) {
        this.size = FixedCrop.size("RandomResizedCrop", size);
        if (scale.length != 2 || !(scale[0] > 0) || scale[0] > scale[1]) {
            throw new KilnException("RandomResizedCrop scale must be (min, max) with 0 < min <= max, got "
                    + java.util.Arrays.toString(scale));
        }
        if (ratio.length != 2 || !(ratio[0] > 0) || ratio[0] > ratio[1]) {
            throw new KilnException("RandomResizedCrop ratio must be (min, max) with 0 < min <= max, got "
                    + java.util.Arrays.toString(ratio));
        }
        this.scale = scale.clone();
        this.ratio = ratio.clone();
        this.interpolation = FixedCrop.interpolation("RandomResizedCrop", interpolation);
    }

    /**
     * The window {@code (x, y, width, height)} a crop of an {@code h x w} image takes, drawn from the global
     * generator, or {@code null} if none of the ten tries fits (the crop is then a centre crop).
     */
    public int[] drawWindow(int h, int w) {
        long key = Random.global().nextKey();
        int draw = 0;
        double area = (double) h * w;
        double logLow = Math.log(ratio[0]);
        double logHigh = Math.log(ratio[1]);
        for (int t = 0; t < TRIES; t++) {
            double target = uniform(key, draw++, scale[0], scale[1]) * area;
            double r = Math.exp(uniform(key, draw++, logLow, logHigh));
            int cw = (int) Math.rint(Math.sqrt(target * r));
            int ch = (int) Math.rint(Math.sqrt(target / r));
            if (cw <= w && ch <= h) {
                int x0 = (int) Generator.below(Generator.bits(key, draw++), w - cw + 1);
                int y0 = (int) Generator.below(Generator.bits(key, draw), h - ch + 1);
                return new int[] {x0, y0, cw, ch};
            }
        }
        return null;
    }

    private static double uniform(long key, int index, double low, double high) {
        return low + (high - low) * Generator.unitDouble(Generator.bits(key, index));
    }

    @Override
    public NDArray forward(NDArray x) {
        int[] hw = FixedCrop.heightWidth("RandomResizedCrop", x);
        int[] window = drawWindow(hw[0], hw[1]);
        if (window == null) {
            return FixedCrop.center(x, hw, size, interpolation);
        }
        return FixedCrop.crop(x, window[0], window[1], window[2], window[3], size, interpolation);
    }
}
