package dev.kiln.data.vision;

import java.nio.file.Path;

/**
 * Zalando's Fashion-MNIST, the drop-in replacement for MNIST with the same IDX file names, image size and sample
 * layout, read from a local directory as Gluon's {@code vision.FashionMNIST}.
 */
public final class FashionMNIST extends MNIST {
    /** The training set in {@code root}. */
    public FashionMNIST(Path root) {
        this(root, true);
    }

    /** The training ({@code train}) or test set in {@code root}. */
    public FashionMNIST(Path root, boolean train) {
        super(root, train, "FashionMNIST");
    }
}
