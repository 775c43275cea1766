package dev.kiln.data.vision;

import dev.kiln.data.Dataset;
import dev.kiln.ndarray.NDArray;

import java.util.List;

/**
 * A dataset of decoded images of one shape with an int label each, held in memory: the common form of the MNIST
 * and CIFAR readers. A sample is {@code [image (H, W, C) uint8, label () int32]}, a fresh copy each time.
 */
public abstract sealed class LabeledImageDataset implements Dataset<List<NDArray>> permits MNIST, CIFAR10 {
    private final LabeledImages contents;

    LabeledImageDataset(LabeledImages contents) {
        this.contents = contents;
    }

    @Override
    public int size() {
        return contents.size();
    }

    @Override
    public List<NDArray> get(int index) {
        return contents.sample(index);
    }

    /** All images as one (N, H, W, C) uint8 array (a copy). */
    public NDArray images() {
        return contents.images();
    }

    /** All labels as one (N,) int32 array (a copy). */
    public NDArray labels() {
        return contents.labelArray();
    }
}
