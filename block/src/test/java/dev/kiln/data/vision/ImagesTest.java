package dev.kiln.data.vision;

import dev.kiln.KilnException;
import dev.kiln.data.DataLoader;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImagesTest {
    @TempDir
    Path dir;

    /** A 3 x 2 (w x h) RGB image whose pixel (x, y) is (10 x + y, 100 + y, 255 - 40 x). */
    private static BufferedImage rgbImage(int type) {
        BufferedImage img = new BufferedImage(3, 2, type);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                img.setRGB(x, y, 0xFF000000 | (10 * x + y) << 16 | (100 + y) << 8 | (255 - 40 * x));
            }
        }
        return img;
    }

    private Path png(String name, BufferedImage img) throws IOException {
        Path file = dir.resolve(name);
        assertThat(ImageIO.write(img, "png", file.toFile())).isTrue();
        return file;
    }

    private static int at(NDArray a, int y, int x, int c) {
        return (int) a.getDouble(y, x, c);
    }

    @Test
    void colourPngReadsAsHeightWidthChannelUint8Rgb() throws IOException {
        NDArray a = Images.read(png("rgb.png", rgbImage(BufferedImage.TYPE_INT_RGB)));
        assertThat(a.shape()).isEqualTo(Shape.of(2, 3, 3));
        assertThat(a.dtype()).isEqualTo(DType.UINT8);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                assertThat(at(a, y, x, 0)).isEqualTo(10 * x + y);
                assertThat(at(a, y, x, 1)).isEqualTo(100 + y);
                assertThat(at(a, y, x, 2)).isEqualTo(255 - 40 * x);
            }
        }
        NDArray alpha = Images.read(png("argb.png", rgbImage(BufferedImage.TYPE_INT_ARGB)));
        assertThat(alpha.shape()).isEqualTo(Shape.of(2, 3, 3));
        assertThat(alpha.toIntArray()).isEqualTo(a.toIntArray());
    }

    @Test
    void grayscaleFlagGivesOneChannelOfRoundedLuma() throws IOException {
        NDArray a = Images.read(png("rgb.png", rgbImage(BufferedImage.TYPE_INT_RGB)), Images.GRAYSCALE);
        assertThat(a.shape()).isEqualTo(Shape.of(2, 3, 1));
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                double luma = 0.299 * (10 * x + y) + 0.587 * (100 + y) + 0.114 * (255 - 40 * x);
                assertThat((double) at(a, y, x, 0)).isCloseTo(luma, org.assertj.core.data.Offset.offset(0.51));
            }
        }
    }

    @Test
    void greyPngKeepsItsValuesAndReplicatesThemForColour() throws IOException {
        BufferedImage grey = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        int[] values = {0, 37, 128, 255};
        grey.getRaster().setPixels(0, 0, 2, 2, values);
        Path file = png("grey.png", grey);
        assertThat(Images.read(file, 0).toIntArray()).containsExactly(values);
        NDArray colour = Images.read(file, 1);
        assertThat(colour.shape()).isEqualTo(Shape.of(2, 2, 3));
        assertThat(colour.toIntArray()).containsExactly(0, 0, 0, 37, 37, 37, 128, 128, 128, 255, 255, 255);

        BufferedImage deep = new BufferedImage(1, 2, BufferedImage.TYPE_USHORT_GRAY);
        deep.getRaster().setPixels(0, 0, 1, 2, new int[] {0x1234, 0xFFFF});
        assertThat(Images.read(png("deep.png", deep), 0).toIntArray()).containsExactly(0x12, 0xFF);
    }

    @Test
    void palettePngReadsThroughItsPalette() throws IOException {
        byte[] r = {(byte) 200, 10};
        byte[] g = {20, (byte) 220};
        byte[] b = {30, 40};
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(1, 2, r, g, b));
        img.getRaster().setPixels(0, 0, 2, 1, new int[] {1, 0});
        assertThat(Images.read(png("palette.png", img)).toIntArray()).containsExactly(10, 220, 40, 200, 20, 30);
    }

    @Test
    void unreadableFilesAndFlagsFailNamingTheFile() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
        assertThatThrownBy(() -> Images.read(text)).isInstanceOf(KilnException.class)
                .hasMessageContaining("notes.png");
        assertThatThrownBy(() -> Images.read(dir.resolve("missing.png"))).hasMessageContaining("missing.png")
                .hasMessageContaining("no such file");
        assertThatThrownBy(() -> Images.read(text, 2)).hasMessageContaining("got 2");
    }

    @Test
    void imageFolderDatasetLabelsSortedClassFoldersAndSkipsOtherEntries() throws IOException {
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("dog"));
        Files.createDirectories(root.resolve("cat"));
        Files.writeString(root.resolve("README.txt"), "ignored: not a folder");
        BufferedImage img = rgbImage(BufferedImage.TYPE_INT_RGB);
        ImageIO.write(img, "png", root.resolve("dog/b.png").toFile());
        ImageIO.write(img, "png", root.resolve("dog/a.PNG").toFile());
        ImageIO.write(img, "png", root.resolve("cat/z.png").toFile());
        Files.writeString(root.resolve("cat/labels.csv"), "ignored: not an image");

        ImageFolderDataset d = new ImageFolderDataset(root);
        assertThat(d.synsets()).containsExactly("cat", "dog");
        assertThat(d.items()).containsExactly(new ImageFolderDataset.Item(root.resolve("cat/z.png"), 0),
                new ImageFolderDataset.Item(root.resolve("dog/a.PNG"), 1),
                new ImageFolderDataset.Item(root.resolve("dog/b.png"), 1));
        List<NDArray> sample = d.get(1);
        assertThat(sample.get(0).shape()).isEqualTo(Shape.of(2, 3, 3));
        assertThat(sample.get(1).dtype()).isEqualTo(DType.INT32);
        assertThat(sample.get(1).asLong()).isEqualTo(1);
        assertThat(new ImageFolderDataset(root, 0).get(0).get(0).shape()).isEqualTo(Shape.of(2, 3, 1));

        List<NDArray> batch = DataLoader.builder(d).batchSize(3).build().iterator().next();
        assertThat(batch.get(0).shape()).isEqualTo(Shape.of(3, 2, 3, 3));
        assertThat(batch.get(1).toIntArray()).containsExactly(0, 1, 1);
        assertThatThrownBy(() -> new ImageFolderDataset(root.resolve("README.txt")))
                .hasMessageContaining("is not a directory");
    }
}
