package dev.kiln.data.vision;

import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.ndarray.Shape;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 from its binary batches in a local directory, as Gluon's {@code vision.CIFAR10} (nothing is downloaded):
 * {@code data_batch_1.bin} to {@code data_batch_5.bin} for training, {@code test_batch.bin} for testing. Each record
 * is one label byte and 3072 pixel bytes in CHW order (1024 red, 1024 green, 1024 blue); a sample is
 * {@code [image (32, 32, 3) uint8 HWC, label () int32]}.
 */
public final class CIFAR10 extends LabeledImageDataset {
    static final int SIDE = 32;
    static final int PIXELS = SIDE * SIDE * 3;
    static final int RECORD = 1 + PIXELS;
    static final int CLASSES = 10;

    /** The training set in {@code root}. */
    public CIFAR10(Path root) {
        this(root, true);
    }

    /** The training ({@code train}) or test set in {@code root}. */
    public CIFAR10(Path root, boolean train) {
        super(load(root, train));
    }

    private static LabeledImages load(Path root, boolean train) {
        List<Path> files = new ArrayList<>();
        if (train) {
            for (int i = 1; i <= 5; i++) {
                files.add(root.resolve("data_batch_" + i + ".bin"));
            }
        } else {
            files.add(root.resolve("test_batch.bin"));
        }
        long total = 0;
        for (Path f : files) {
            total += recordsIn(f);
        }
        if (total * PIXELS > Integer.MAX_VALUE - 64) {
            throw new KilnException("CIFAR10: " + files + " hold " + total + " records, more than one array can hold");
        }
        byte[] pixels = new byte[(int) total * PIXELS];
        int[] labels = new int[(int) total];
        int at = 0;
        for (Path f : files) {
            at = readRecords(f, pixels, labels, at);
        }
        return new LabeledImages(Shape.of(SIDE, SIDE, 3), pixels, labels);
    }

    private static long recordsIn(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new KilnException("CIFAR10: " + file + " does not exist (nothing is downloaded; put the binary "
                    + "batches in " + file.getParent() + ")");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new KilnException("CIFAR10: cannot read " + file + ": " + e, e);
        }
        if (size % RECORD != 0) {
            throw new FileFormatException("CIFAR10: " + file + " has " + size + " bytes, not a whole number of "
                    + RECORD + "-byte records (1 label byte + 3072 pixel bytes); " + size / RECORD + " records and "
                    + size % RECORD + " bytes left over");
        }
        return size / RECORD;
    }

    /** Reads the records of {@code file} into slot {@code at} onwards, CHW to HWC; returns the next free slot. */
    private static int readRecords(Path file, byte[] pixels, int[] labels, int at) {
        long records = recordsIn(file);
        byte[] record = new byte[RECORD];
        try (InputStream in = Files.newInputStream(file)) {
            for (long r = 0; r < records; r++, at++) {
                if (in.readNBytes(record, 0, RECORD) != RECORD) {
                    throw new FileFormatException("CIFAR10: " + file + " ended early, in record " + r + " of "
                            + records);
                }
                int label = record[0] & 0xFF;
                if (label >= CLASSES) {
                    throw new FileFormatException("CIFAR10: record " + r + " of " + file + " has label " + label
                            + ", outside 0.." + (CLASSES - 1));
                }
                labels[at] = label;
                int base = at * PIXELS;
                int plane = SIDE * SIDE;
                for (int c = 0; c < 3; c++) {
                    for (int p = 0; p < plane; p++) {
                        pixels[base + p * 3 + c] = record[1 + c * plane + p];
                    }
                }
            }
        } catch (IOException e) {
            throw new KilnException("CIFAR10: cannot read " + file + ": " + e, e);
        }
        return at;
    }
}
