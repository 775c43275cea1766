package dev.kiln.training;

import dev.kiln.data.ArrayDataset;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.Random;

/**
 * A synthetic three-class image set the tests generate: horizontal stripes (0), vertical stripes (1) and a Gaussian
 * blob (2) on a {@code 1 x S x S} grid, each with a random period, phase or position, plus Gaussian noise.
 */
final class StripesAndBlobs {
    static final int SIZE = 12;
    static final int CLASSES = 3;

    private StripesAndBlobs() {
    }

    /** {@code n} samples, classes in turn, drawn from {@code seed}: {@code [images (n,1,S,S), labels (n)]}. */
    static ArrayDataset dataset(int n, long seed) {
        Random rnd = new Random(seed);
        float[] images = new float[n * SIZE * SIZE];
        float[] labels = new float[n];
        for (int s = 0; s < n; s++) {
            int label = s % CLASSES;
            labels[s] = label;
            double period = 3 + 2 * rnd.nextDouble();
            double phase = 2 * Math.PI * rnd.nextDouble();
            double cx = 3 + 6 * rnd.nextDouble();
            double cy = 3 + 6 * rnd.nextDouble();
            double sigma = 1.5 + rnd.nextDouble();
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    double v = switch (label) {
                        case 0 -> 0.5 + 0.5 * Math.sin(2 * Math.PI * y / period + phase);
                        case 1 -> 0.5 + 0.5 * Math.sin(2 * Math.PI * x / period + phase);
                        default -> Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * sigma * sigma));
                    };
                    images[(s * SIZE + y) * SIZE + x] = (float) (v + 0.2 * rnd.nextGaussian());
                }
            }
        }
        return new ArrayDataset(NDArray.of(Shape.of(n, 1, SIZE, SIZE), images), NDArray.of(Shape.of(n), labels));
    }
}
