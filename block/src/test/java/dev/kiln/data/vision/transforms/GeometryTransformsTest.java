package dev.kiln.data.vision.transforms;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.random.Random;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static dev.kiln.data.vision.transforms.TensorTransformsTest.pixels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Resize, the crops and the random flips: shapes for HWC and NHWC, values by hand, seeds and hybridization. */
@ExtendWith(dev.kiln.testing.FreshNames.class)
class GeometryTransformsTest {

    /** The {@code w x h} window at {@code (x0, y0)} of an {@code (H, W, C)} image, copied by loops. */
    private static double[] window(NDArray x, int x0, int y0, int w, int h) {
        int[] d = x.shape().dims();
        double[] out = new double[h * w * d[2]];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                for (int k = 0; k < d[2]; k++) {
                    out[(r * w + c) * d[2] + k] = x.getDouble(((y0 + r) * d[1] + x0 + c) * d[2] + k);
                }
            }
        }
        return out;
    }

    @Test
    void resizeTakesWidthThenHeightForImagesAndBatches() {
        assertThat(new Resize(5, 2).call(pixels(4, 6, 3)).shape()).isEqualTo(Shape.of(2, 5, 3));
        assertThat(new Resize(3).call(pixels(2, 4, 6, 1)).shape()).isEqualTo(Shape.of(2, 3, 3, 1));
        assertThat(new Resize(3, true, 1).call(pixels(4, 6, 3)).shape()).isEqualTo(Shape.of(3, 4, 3));
        assertThat(new Resize(3, true, 0).call(pixels(2, 8, 6, 3)).shape()).isEqualTo(Shape.of(2, 4, 3, 3));
    }

    @Test
    void resizeToHalfSizeAveragesEachTwoByTwoBlock() {
        NDArray x = pixels(4, 6, 1).astype(DType.FLOAT32);
        NDArray y = new Resize(3, 2).call(x);
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 3; c++) {
                double mean = (x.getDouble(2 * r * 6 + 2 * c) + x.getDouble(2 * r * 6 + 2 * c + 1)
                        + x.getDouble((2 * r + 1) * 6 + 2 * c) + x.getDouble((2 * r + 1) * 6 + 2 * c + 1)) / 4;
                assertThat(y.getDouble(r * 3 + c)).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-4));
            }
        }
        NDArray nearest = new Resize(3, 2, 0).call(x);
        assertThat(nearest.toDoubleArray()).containsExactly(x.getDouble(0), x.getDouble(2), x.getDouble(4),
                x.getDouble(12), x.getDouble(14), x.getDouble(16));
    }

    @Test
    void resizeAndCropResizeAgreeEagerAndHybridized() {
        NDArray x = Random.uniform(0, 255, 5, 4, 3);
        LayerCheck.of(new Resize(3, 7), x).expectShape(7, 3, 3).withoutGradientCheck().run();
        LayerCheck.of(new CropResize(1, 2, 3, 2), x).expectShape(2, 3, 3).run();
        LayerCheck.of(new CropResize(0, 1, 2, 3, new int[] {4, 4}, 1), x).expectShape(4, 4, 3)
                .withoutGradientCheck().run();
    }

    @Test
    void resizeRejectsAnInterpolationKilnDoesNotRun() {
        assertThatThrownBy(() -> new Resize(4, false, 2)).hasMessageContaining("interpolation");
        assertThatThrownBy(() -> new Resize(4).call(pixels(4, 4))).hasMessageContaining("Resize")
                .hasMessageContaining("(4, 4)");
    }

    @Test
    void centerCropCutsTheMiddleOfEachImage() {
        NDArray x = pixels(5, 6, 3);
        NDArray y = new CenterCrop(2, 3).call(x);
        assertThat(y.shape()).isEqualTo(Shape.of(3, 2, 3));
        assertThat(y.toDoubleArray()).containsExactly(window(x, 2, 1, 2, 3));
        NDArray batch = Ops.call("stack", Map.of("num_args", 2, "axis", 0), x, x);
        NDArray both = new CenterCrop(2, 3).call(batch);
        assertThat(both.shape()).isEqualTo(Shape.of(2, 3, 2, 3));
        assertThat(both.toDoubleArray()).startsWith(window(x, 2, 1, 2, 3));
    }

    @Test
    void centerCropScalesALargerWindowDownAndResizesItUp() {
        NDArray x = pixels(2, 3, 1);
        NDArray y = new CenterCrop(4).call(x);
        assertThat(y.shape()).isEqualTo(Shape.of(4, 4, 1));
        NDArray crop = NDArray.of(Shape.of(2, 2, 1), DType.UINT8, window(x, 0, 0, 2, 2));
        assertThat(y.toDoubleArray()).containsExactly(
                Ops.call("_image_resize", Map.of("size", 4), crop).toDoubleArray());
        assertThatThrownBy(() -> new CenterCrop(3).call(pixels(3, 3))).hasMessageContaining("CenterCrop")
                .hasMessageContaining("(3, 3)");
    }

    @Test
    void randomResizedCropWindowsStayWithinTheAreaAndRatioBounds() {
        RandomResizedCrop crop = new RandomResizedCrop(32);
        Random.seed(11);
        int h = 200;
        int w = 300;
        double smallest = 1;
        double largest = 0;
        for (int i = 0; i < 2000; i++) {
            int[] win = crop.drawWindow(h, w);
            if (win == null) {
                continue;
            }
            assertThat(win[0]).isBetween(0, w - win[2]);
            assertThat(win[1]).isBetween(0, h - win[3]);
            double area = (double) win[2] * win[3] / (h * w);
            double ratio = (double) win[2] / win[3];
            assertThat(area).isBetween(0.08 * 0.95, 1.0 * 1.02);
            assertThat(ratio).isBetween(0.75 * 0.96, 4.0 / 3.0 * 1.04);
            smallest = Math.min(smallest, area);
            largest = Math.max(largest, area);
        }
        assertThat(smallest).isLessThan(0.12);
        assertThat(largest).isGreaterThan(0.8);
    }

    @Test
    void randomResizedCropRepeatsForASeedAndResizesToTheSize() {
        NDArray x = pixels(12, 10, 3);
        RandomResizedCrop crop = new RandomResizedCrop(new int[] {5, 4}, new double[] {0.2, 0.9},
                new double[] {0.5, 2.0}, 1);
        Random.seed(5);
        NDArray a = crop.call(x);
        NDArray b = crop.call(x);
        Random.seed(5);
        assertThat(crop.call(x).toDoubleArray()).containsExactly(a.toDoubleArray());
        assertThat(crop.call(x).toDoubleArray()).containsExactly(b.toDoubleArray());
        assertThat(a.shape()).isEqualTo(Shape.of(4, 5, 3));
        Random.seed(5);
        int[] win = crop.drawWindow(12, 10);
        NDArray cut = NDArray.of(Shape.of(win[3], win[2], 3), DType.UINT8, window(x, win[0], win[1], win[2], win[3]));
        assertThat(a.toDoubleArray()).containsExactly(
                Ops.call("_image_resize", Map.of("size", new int[] {5, 4}), cut).toDoubleArray());
    }

    @Test
    void randomResizedCropFallsBackToTheCentreWhenNoWindowFits() {
        NDArray x = pixels(1, 40, 1);
        RandomResizedCrop crop = new RandomResizedCrop(new int[] {4, 1}, new double[] {0.5, 1.0},
                new double[] {0.75, 1.33}, 0);
        assertThat(crop.drawWindow(1, 40)).isNull();
        assertThat(crop.call(x).toDoubleArray()).containsExactly(new CenterCrop(new int[] {4, 1}, 0).call(x)
                .toDoubleArray());
    }

    @Test
    void randomFlipsRepeatForASeedEagerAndHybridized() {
        NDArray x = pixels(3, 4, 3);
        NDArray lr = Ops.call("_image_flip_left_right", x);
        NDArray tb = Ops.call("_image_flip_top_bottom", x);
        for (boolean leftRight : new boolean[] {true, false}) {
            NDArray flipped = leftRight ? lr : tb;
            var eager = leftRight ? new RandomFlipLeftRight() : new RandomFlipTopBottom();
            var hybrid = leftRight ? new RandomFlipLeftRight() : new RandomFlipTopBottom();
            hybrid.hybridize();
            Random.seed(9);
            double[][] seen = new double[30][];
            int flips = 0;
            for (int i = 0; i < seen.length; i++) {
                seen[i] = eager.call(x).toDoubleArray();
                boolean f = java.util.Arrays.equals(seen[i], flipped.toDoubleArray());
                assertThat(f || java.util.Arrays.equals(seen[i], x.toDoubleArray())).isTrue();
                flips += f ? 1 : 0;
            }
            assertThat(flips).isBetween(5, 25);
            Random.seed(9);
            for (double[] s : seen) {
                assertThat(hybrid.call(x).toDoubleArray()).containsExactly(s);
            }
        }
    }
}
