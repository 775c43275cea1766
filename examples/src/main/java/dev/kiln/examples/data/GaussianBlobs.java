package dev.kiln.examples.data;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.Random;

/**
 * A synthetic classification set for the training examples: {@code classes} Gaussian blobs in the plane, centres
 * evenly spaced on a circle of radius 2, standard deviation 0.6; point {@code i} belongs to class
 * {@code i % classes}. Seeded, so every run sees the same points.
 *
 * @param x     float32 features (n, 2)
 * @param label float32 class indices (n,)
 */
public record GaussianBlobs(NDArray x, NDArray label) {
    /** {@code n} points in {@code classes} blobs drawn from {@code seed}. */
    public static GaussianBlobs make(int n, int classes, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * 2];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            int c = i % classes;
            double angle = 2 * Math.PI * c / classes;
            x[2 * i] = (float) (2 * Math.cos(angle) + 0.6 * r.nextGaussian());
            x[2 * i + 1] = (float) (2 * Math.sin(angle) + 0.6 * r.nextGaussian());
            y[i] = c;
        }
        return new GaussianBlobs(NDArray.of(Shape.of(n, 2), x), NDArray.of(Shape.of(n), y));
    }

    /** The number of points. */
    public int size() {
        return label.size();
    }
}
