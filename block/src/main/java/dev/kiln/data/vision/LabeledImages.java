package dev.kiln.data.vision;

import dev.kiln.data.DefaultBatchify;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.List;
import java.util.Objects;

/**
 * Decoded images of one shape (HWC uint8, one after another) with an int label each: the in-memory contents of a
 * {@link LabeledImageDataset}.
 */
record LabeledImages(Shape imageShape, byte[] pixels, int[] labels) {
    int size() {
        return labels.length;
    }

    List<NDArray> sample(int index) {
        Objects.checkIndex(index, labels.length);
        int n = imageShape.size();
        NDArray image = NDArray.zeros(imageShape, DType.UINT8, Device.cpu());
        System.arraycopy(pixels, index * n, image.data(), 0, n);
        return List.of(image, DefaultBatchify.scalar(labels[index]));
    }

    NDArray images() {
        return NDArray.wrap(imageShape.insert(0, labels.length), DType.UINT8, Device.cpu(), pixels.clone());
    }

    NDArray labelArray() {
        return NDArray.wrap(Shape.of(labels.length), DType.INT32, Device.cpu(), labels.clone());
    }
}
