package dev.kiln.data.vision;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.kiln.data.vision.IdxWriter.idx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MnistTest {
    private static final int IMAGES = 0x00000803;
    private static final int LABELS = 0x00000801;
    private static final int[] TRAIN_LABELS = {5, 0, 9};

    @TempDir
    Path dir;

    private static int pixel(int image, int row, int col) {
        return (image * 7 + row * 3 + col * 11) % 256;
    }

    private static byte[] pixels(int count) {
        byte[] out = new byte[count * 28 * 28];
        for (int i = 0; i < count; i++) {
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    out[(i * 28 + r) * 28 + c] = (byte) pixel(i, r, c);
                }
            }
        }
        return out;
    }

    private static byte[] imageFile(int count) throws IOException {
        return idx(IMAGES, new int[] {count, 28, 28}, pixels(count));
    }

    private static byte[] labelFile(int... labels) throws IOException {
        byte[] payload = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            payload[i] = (byte) labels[i];
        }
        return idx(LABELS, new int[] {labels.length}, payload);
    }

    private void writeSet(String prefix, byte[] images, byte[] labels, boolean gzip) throws IOException {
        String ext = gzip ? ".gz" : "";
        IdxWriter.write(dir.resolve(prefix + "-images-idx3-ubyte" + ext), images, gzip);
        IdxWriter.write(dir.resolve(prefix + "-labels-idx1-ubyte" + ext), labels, gzip);
    }

    private void assertTrainingSet(MNIST d) {
        assertThat(d.size()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            List<NDArray> sample = d.get(i);
            NDArray image = sample.get(0);
            assertThat(image.shape()).isEqualTo(Shape.of(28, 28, 1));
            assertThat(image.dtype()).isEqualTo(DType.UINT8);
            for (int r = 0; r < 28; r += 9) {
                for (int c = 0; c < 28; c += 5) {
                    assertThat((int) image.getDouble(r, c, 0)).isEqualTo(pixel(i, r, c));
                }
            }
            assertThat(sample.get(1).shape()).isEqualTo(Shape.scalar());
            assertThat(sample.get(1).dtype()).isEqualTo(DType.INT32);
            assertThat(sample.get(1).asLong()).isEqualTo(TRAIN_LABELS[i]);
        }
        assertThat(d.images().shape()).isEqualTo(Shape.of(3, 28, 28, 1));
        assertThat(d.labels().toIntArray()).containsExactly(TRAIN_LABELS);
    }

    @Test
    void readsGzippedIdxFilesUnderGluonsNames() throws IOException {
        writeSet("train", imageFile(3), labelFile(TRAIN_LABELS), true);
        writeSet("t10k", imageFile(2), labelFile(7, 1), true);
        assertTrainingSet(new MNIST(dir));
        MNIST test = new MNIST(dir, false);
        assertThat(test.size()).isEqualTo(2);
        assertThat(test.labels().toIntArray()).containsExactly(7, 1);
        assertThat((int) test.get(1).get(0).getDouble(27, 27, 0)).isEqualTo(pixel(1, 27, 27));
    }

    @Test
    void readsPlainIdxFilesAndFashionMnistUsesTheSameLayout() throws IOException {
        writeSet("train", imageFile(3), labelFile(TRAIN_LABELS), false);
        assertTrainingSet(new MNIST(dir, true));
        assertTrainingSet(new FashionMNIST(dir));
    }

    @Test
    void missingFilesAreNamed() {
        assertThatThrownBy(() -> new MNIST(dir)).isInstanceOf(KilnException.class)
                .hasMessageContaining("train-images-idx3-ubyte.gz").hasMessageContaining("nothing is downloaded");
        assertThatThrownBy(() -> new FashionMNIST(dir, false)).hasMessageContaining("FashionMNIST")
                .hasMessageContaining("t10k-images-idx3-ubyte");
    }

    @Test
    void aBadMagicNumberIsReportedWithTheFile() throws IOException {
        writeSet("train", labelFile(1, 2, 3), labelFile(TRAIN_LABELS), false);
        assertThatThrownBy(() -> new MNIST(dir)).isInstanceOf(KilnException.class)
                .hasMessageContaining("bad magic number 0x00000801")
                .hasMessageContaining("train-images-idx3-ubyte")
                .hasMessageContaining("expected 0x00000803");
    }

    @Test
    void truncatedAndOverlongPlainFilesAreCaughtBeforeReading() throws IOException {
        byte[] full = imageFile(3);
        writeSet("train", Arrays.copyOf(full, full.length - 10), labelFile(TRAIN_LABELS), false);
        assertThatThrownBy(() -> new MNIST(dir)).isInstanceOf(KilnException.class)
                .hasMessageContaining("train-images-idx3-ubyte")
                .hasMessageContaining("2352 data bytes").hasMessageContaining("has 2342").hasMessageContaining("truncated");
        writeSet("train", Arrays.copyOf(full, full.length + 5), labelFile(TRAIN_LABELS), false);
        assertThatThrownBy(() -> new MNIST(dir)).hasMessageContaining("trailing bytes");
        writeSet("train", Arrays.copyOf(full, 10), labelFile(TRAIN_LABELS), false);
        assertThatThrownBy(() -> new MNIST(dir)).hasMessageContaining("ends inside its header");
    }

    @Test
    void truncatedGzipDataIsReportedWithTheDeclaredSize() throws IOException {
        byte[] full = imageFile(3);
        writeSet("train", Arrays.copyOf(full, full.length - 100), labelFile(TRAIN_LABELS), true);
        assertThatThrownBy(() -> new MNIST(dir)).isInstanceOf(KilnException.class)
                .hasMessageContaining("train-images-idx3-ubyte.gz")
                .hasMessageContaining("declare 2352 data bytes but it ends after 2252");

        byte[] compressed = IdxWriter.gzip(full);
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(compressed, compressed.length / 2));
        assertThatThrownBy(() -> new MNIST(dir)).hasMessageContaining("train-images-idx3-ubyte.gz")
                .hasMessageContaining("truncated");

        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), full);
        assertThatThrownBy(() -> new MNIST(dir)).hasMessageContaining("cannot decompress")
                .hasMessageContaining("train-images-idx3-ubyte.gz");
    }

    @Test
    void aHeaderDeclaringHugeSizesFailsWithoutAllocatingThem() throws IOException {
        // 60000 images declared, 3 present: the reader grows its buffer with the data, not with the header.
        writeSet("train", idx(IMAGES, new int[] {60000, 28, 28}, pixels(3)), labelFile(TRAIN_LABELS), true);
        assertThatThrownBy(() -> new MNIST(dir)).hasMessageContaining("declare 47040000 data bytes but it ends after 2352");
        writeSet("train", idx(IMAGES, new int[] {1 << 30, 1 << 16, 28}, new byte[0]), labelFile(1), true);
        assertThatThrownBy(() -> new MNIST(dir)).hasMessageContaining("[1073741824, 65536] declare more bytes than one array can hold");
        Files.delete(dir.resolve("train-images-idx3-ubyte.gz"));
        writeSet("train", idx(IMAGES, new int[] {-5, 28, 28}, new byte[0]), labelFile(1), false);
        assertThatThrownBy(() -> new MNIST(dir)).hasMessageContaining("dimension 0 is 4294967291");
    }

    @Test
    void imageAndLabelCountsMustAgree() throws IOException {
        writeSet("train", imageFile(3), labelFile(1, 2), false);
        assertThatThrownBy(() -> new MNIST(dir)).isInstanceOf(KilnException.class)
                .hasMessageContaining("holds 3 images but").hasMessageContaining("holds 2 labels");
    }
}
