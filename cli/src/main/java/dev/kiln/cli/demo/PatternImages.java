package dev.kiln.cli.demo;

import dev.kiln.data.ArrayDataset;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.List;
import java.util.Random;

/**
 * The demo's data, generated on the fly so that the demo needs no files or network: greyscale {@code 1 x 16 x 16}
 * images of four classes, horizontal stripes, vertical stripes, diagonal stripes and a round blob, each with a random
 * period, phase, centre or radius and Gaussian pixel noise. Only the orientation or shape tells the classes apart,
 * never a pixel's position, which is what convolutions learn.
 */
public final class PatternImages {
    /** Height and width of every image. */
    public static final int SIZE = 16;
    /** The class names, by label. */
    public static final List<String> CLASSES = List.of("horizontal", "vertical", "diagonal", "blob");
    private static final double NOISE = 0.8;

    private PatternImages() {
    }

    /**
     * {@code count} images whose labels cycle through the classes, drawn from {@code seed}:
     * {@code [images (count, 1, 16, 16) float32, labels (count) float32]}.
     */
    public static ArrayDataset generate(int count, long seed) {
        if (count <= 0) {
            throw new IllegalArgumentException("PatternImages: the image count must be positive, got " + count);
        }
        Random rnd = new Random(seed);
        int pixels = SIZE * SIZE;
        float[] images = new float[count * pixels];
        float[] labels = new float[count];
        for (int i = 0; i < count; i++) {
            int label = i % CLASSES.size();
            labels[i] = label;
            draw(label, rnd, images, i * pixels);
        }
        return new ArrayDataset(NDArray.of(Shape.of(count, 1, SIZE, SIZE), images), NDArray.of(Shape.of(count), labels));
    }

    /** One image of class {@code label} into {@code out} from {@code offset}, values about in [0, 1] plus noise. */
    private static void draw(int label, Random rnd, float[] out, int offset) {
        double frequency = 2 * Math.PI / (3.0 + 3.0 * rnd.nextDouble());
        double phase = 2 * Math.PI * rnd.nextDouble();
        double cx = 4 + (SIZE - 8) * rnd.nextDouble();
        double cy = 4 + (SIZE - 8) * rnd.nextDouble();
        double radius = 2.0 + 2.5 * rnd.nextDouble();
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double value = switch (label) {
                    case 0 -> wave(frequency * y + phase);
                    case 1 -> wave(frequency * x + phase);
                    case 2 -> wave(frequency * (x + y) / Math.sqrt(2) + phase);
                    default -> {
                        double d = Math.hypot(x - cx, y - cy);
                        yield 1 / (1 + Math.exp(2 * (d - radius)));
                    }
                };
                out[offset + y * SIZE + x] = (float) (value + NOISE * rnd.nextGaussian());
            }
        }
    }

    private static double wave(double angle) {
        return 0.5 + 0.5 * Math.sin(angle);
    }
}
