package dev.kiln.init;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

/**
 * The bilinear upsampling kernel for a deconvolution weight of shape {@code (out, in, height, width)}, as MXNet
 * computes it: with {@code f = ceil(width / 2)} and {@code c = (2f - 1 - f mod 2) / (2f)}, the element at row y,
 * column x of every kernel is {@code (1 - |x/f - c|) * (1 - |y/f - c|)}, rounded to float32.
 */
public final class Bilinear extends Initializer {
    @Override
    protected void initWeight(InitDesc desc, NDArray target) {
        FloatTarget.requireFloating(name(), desc, target);
        Shape shape = target.shape();
        if (shape.rank() != 4) {
            throw new KilnException("initializer 'bilinear' needs a 4-D weight (out, in, height, width) for '"
                    + desc.name() + "', got shape " + shape);
        }
        int height = shape.get(2);
        int width = shape.get(3);
        double f = Math.ceil(width / 2.0);
        double c = (2 * f - 1 - f % 2) / (2 * f);
        double[] values = new double[target.size()];
        for (int i = 0; i < values.length; i++) {
            int x = i % width;
            int y = (i / width) % height;
            values[i] = (float) ((1 - Math.abs(x / f - c)) * (1 - Math.abs(y / f - c)));
        }
        FloatTarget.write(values, target);
    }
}
