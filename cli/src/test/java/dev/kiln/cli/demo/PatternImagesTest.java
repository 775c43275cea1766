package dev.kiln.cli.demo;

import dev.kiln.data.ArrayDataset;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PatternImagesTest {
    @Test
    void imagesAreOneChannelSixteenSquareWithLabelsCyclingThroughTheClasses() {
        ArrayDataset set = PatternImages.generate(10, 1);
        assertThat(set.size()).isEqualTo(10);
        for (int i = 0; i < 10; i++) {
            assertThat(set.get(i).get(0).shape()).isEqualTo(Shape.of(1, 16, 16));
            assertThat(set.get(i).get(1).asScalar()).isEqualTo(i % 4);
        }
    }

    @Test
    void theSameSeedGivesTheSameImagesAndAnotherSeedOthers() {
        float[] a = PatternImages.generate(4, 9).get(2).get(0).toFloatArray();
        assertThat(PatternImages.generate(4, 9).get(2).get(0).toFloatArray()).containsExactly(a);
        assertThat(PatternImages.generate(4, 10).get(2).get(0).toFloatArray()).isNotEqualTo(a);
    }

    /**
     * Horizontal stripes vary from row to row and hardly across a row, vertical ones the other way round: the
     * variance of the row means and of the column means, averaged over many images, tells them apart.
     */
    @Test
    void horizontalStripesVaryDownTheRowsAndVerticalStripesAcrossTheColumns() {
        ArrayDataset set = PatternImages.generate(400, 2);
        double[][] sums = new double[2][2];   // [class][rows, columns]
        for (int i = 0; i < 400; i++) {
            int label = i % 4;
            if (label < 2) {
                NDArray img = set.get(i).get(0);
                sums[label][0] += varianceOfMeans(img, true);
                sums[label][1] += varianceOfMeans(img, false);
            }
        }
        assertThat(sums[0][0]).as("horizontal: rows vs columns").isGreaterThan(2 * sums[0][1]);
        assertThat(sums[1][1]).as("vertical: columns vs rows").isGreaterThan(2 * sums[1][0]);
    }

    private static double varianceOfMeans(NDArray img, boolean rows) {
        float[] v = img.toFloatArray();
        double[] means = new double[16];
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                means[rows ? y : x] += v[y * 16 + x] / 16.0;
            }
        }
        double mean = java.util.Arrays.stream(means).average().orElseThrow();
        return java.util.Arrays.stream(means).map(m -> (m - mean) * (m - mean)).sum() / 16;
    }

    @Test
    void aCountBelowOneIsRefused() {
        assertThatThrownBy(() -> PatternImages.generate(0, 1)).hasMessageContaining("got 0");
    }
}
