package dev.kiln.data.vision;

import dev.kiln.KilnException;
import dev.kiln.ndarray.Shape;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The MNIST digits from IDX files in a local directory, as Gluon's {@code vision.MNIST} (nothing is downloaded):
 * {@code train-images-idx3-ubyte} and {@code train-labels-idx1-ubyte} for training, {@code t10k-...} for testing,
 * each gzipped ({@code .gz}, Gluon's names) or plain. A sample is {@code [image (28, 28, 1) uint8, label () int32]}
 * (the image size is taken from the file header).
 */
public sealed class MNIST extends LabeledImageDataset permits FashionMNIST {
    /** The training set in {@code root}. */
    public MNIST(Path root) {
        this(root, true);
    }

    /** The training ({@code train}) or test set in {@code root}. */
    public MNIST(Path root, boolean train) {
        this(root, train, "MNIST");
    }

    MNIST(Path root, boolean train, String name) {
        super(load(root, train, name));
    }

    private static LabeledImages load(Path root, boolean train, String name) {
        String prefix = train ? "train" : "t10k";
        IdxFile data = IdxFile.read(locate(root, prefix + "-images-idx3-ubyte", name), 3);
        IdxFile label = IdxFile.read(locate(root, prefix + "-labels-idx1-ubyte", name), 1);
        int count = data.dims()[0];
        if (label.dims()[0] != count) {
            throw new KilnException(name + ": " + data.file() + " holds " + count + " images but " + label.file()
                    + " holds " + label.dims()[0] + " labels");
        }
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = label.data()[i] & 0xFF;
        }
        return new LabeledImages(Shape.of(data.dims()[1], data.dims()[2], 1), data.data(), labels);
    }

    /** {@code root/name.gz} if it exists, else {@code root/name}. */
    private static Path locate(Path root, String name, String dataset) {
        Path gz = root.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = root.resolve(name);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        throw new KilnException(dataset + ": neither " + gz + " nor " + plain + " exists (nothing is downloaded; put "
                + "the IDX files in " + root + ")");
    }
}
