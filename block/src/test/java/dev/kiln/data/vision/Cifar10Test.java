package dev.kiln.data.vision;

import dev.kiln.KilnException;
import dev.kiln.data.DataLoader;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Cifar10Test {
    @TempDir
    Path dir;

    /** Channel c of pixel (row, col) of record r of file f, as the tests define it. */
    private static int value(int f, int r, int c, int row, int col) {
        return (f * 31 + r * 17 + c * 85 + row * 5 + col) % 256;
    }

    /** A binary batch of {@code records} records, labels (f + r) % 10, pixels in CHW order. */
    private static byte[] batch(int f, int records) {
        byte[] out = new byte[records * 3073];
        for (int r = 0; r < records; r++) {
            int base = r * 3073;
            out[base] = (byte) ((f + r) % 10);
            for (int c = 0; c < 3; c++) {
                for (int row = 0; row < 32; row++) {
                    for (int col = 0; col < 32; col++) {
                        out[base + 1 + c * 1024 + row * 32 + col] = (byte) value(f, r, c, row, col);
                    }
                }
            }
        }
        return out;
    }

    private void writeTrain(int records) throws IOException {
        for (int f = 1; f <= 5; f++) {
            Files.write(dir.resolve("data_batch_" + f + ".bin"), batch(f, records));
        }
    }

    @Test
    void readsTheFiveTrainingBatchesInOrderAsHeightWidthChannelImages() throws IOException {
        writeTrain(2);
        CIFAR10 d = new CIFAR10(dir);
        assertThat(d.size()).isEqualTo(10);
        for (int i = 0; i < 10; i++) {
            int f = i / 2 + 1;
            int r = i % 2;
            List<NDArray> sample = d.get(i);
            NDArray image = sample.get(0);
            assertThat(image.shape()).isEqualTo(Shape.of(32, 32, 3));
            assertThat(image.dtype()).isEqualTo(DType.UINT8);
            for (int row = 0; row < 32; row += 7) {
                for (int col = 0; col < 32; col += 3) {
                    for (int c = 0; c < 3; c++) {
                        assertThat((int) image.getDouble(row, col, c)).isEqualTo(value(f, r, c, row, col));
                    }
                }
            }
            assertThat(sample.get(1).dtype()).isEqualTo(DType.INT32);
            assertThat(sample.get(1).asLong()).isEqualTo((f + r) % 10);
        }
        assertThat(d.images().shape()).isEqualTo(Shape.of(10, 32, 32, 3));
        List<NDArray> batch = DataLoader.builder(d).batchSize(4).build().iterator().next();
        assertThat(batch.get(0).shape()).isEqualTo(Shape.of(4, 32, 32, 3));
        assertThat(batch.get(1).toIntArray()).containsExactly(1, 2, 2, 3);
    }

    @Test
    void readsTheTestBatch() throws IOException {
        Files.write(dir.resolve("test_batch.bin"), batch(0, 3));
        CIFAR10 test = new CIFAR10(dir, false);
        assertThat(test.labels().toIntArray()).containsExactly(0, 1, 2);
        assertThat((int) test.get(2).get(0).getDouble(31, 30, 1)).isEqualTo(value(0, 2, 1, 31, 30));
    }

    @Test
    void filesThatAreNotWholeRecordsOrMissingAreNamed() throws IOException {
        assertThatThrownBy(() -> new CIFAR10(dir, false)).isInstanceOf(KilnException.class)
                .hasMessageContaining("test_batch.bin").hasMessageContaining("does not exist");
        byte[] full = batch(0, 2);
        Files.write(dir.resolve("test_batch.bin"), Arrays.copyOf(full, full.length - 1));
        assertThatThrownBy(() -> new CIFAR10(dir, false)).hasMessageContaining("test_batch.bin has 6145 bytes")
                .hasMessageContaining("3073-byte records").hasMessageContaining("1 records and 3072 bytes left over");
        writeTrain(1);
        Files.delete(dir.resolve("data_batch_4.bin"));
        assertThatThrownBy(() -> new CIFAR10(dir)).hasMessageContaining("data_batch_4.bin");
    }

    @Test
    void labelsOutsideTheTenClassesAreRejected() throws IOException {
        byte[] records = batch(0, 3);
        records[2 * 3073] = (byte) 200;
        Files.write(dir.resolve("test_batch.bin"), records);
        assertThatThrownBy(() -> new CIFAR10(dir, false)).isInstanceOf(KilnException.class)
                .hasMessageContaining("record 2 of").hasMessageContaining("label 200, outside 0..9");
    }
}
