package dev.kiln.op.image;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.random.Random;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The image ops against plain loops written here: layouts, values, OpenCV's resize rules and the errors. */
class ImageOpsTest {

    private static NDArray image(DType dtype, int... dims) {
        NDArray a = NDArray.zeros(Shape.of(dims), dtype, Device.cpu());
        for (int i = 0; i < a.size(); i++) {
            a.setDouble(i, (i * 37 + 11) % 256);
        }
        return a;
    }

    @Test
    void toTensorMovesChannelsFirstAndDividesBy255() {
        NDArray x = image(DType.UINT8, 2, 3, 4, 3);
        NDArray y = Ops.call("_image_to_tensor", x);
        assertThat(y).hasShape(2, 3, 3, 4).hasDType(DType.FLOAT32);
        double[] expected = new double[y.size()];
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int h = 0; h < 3; h++) {
                    for (int w = 0; w < 4; w++) {
                        expected[((n * 3 + c) * 3 + h) * 4 + w] = (float) (x.getDouble(((n * 3 + h) * 4 + w) * 3 + c)
                                / 255.0);
                    }
                }
            }
        }
        assertThat(y).isCloseTo(expected, 0, 1e-7);
        assertThat(Ops.call("_image_to_tensor", image(DType.UINT8, 3, 4, 1))).hasShape(1, 3, 4);
    }

    @Test
    void toTensorRejectsAnArrayThatIsNoImage() {
        assertThatThrownBy(() -> Ops.call("_image_to_tensor", image(DType.UINT8, 4, 3)))
                .isInstanceOf(KilnException.class).hasMessageContaining("_image_to_tensor")
                .hasMessageContaining("an image (H, W, C) or a batch (N, H, W, C), got shape (4, 3)");
    }

    @Test
    void normalizeSubtractsAndDividesPerChannel() {
        NDArray x = Ops.call("_image_to_tensor", image(DType.UINT8, 2, 2, 2, 3));
        NDArray y = Ops.call("_image_normalize", Map.of("mean", "(0.1, 0.2, 0.3)", "std", "(0.5, 0.25, 2)"), x);
        double[] mean = {0.1, 0.2, 0.3};
        double[] std = {0.5, 0.25, 2};
        double[] expected = new double[x.size()];
        for (int i = 0; i < x.size(); i++) {
            int c = (i / 4) % 3;
            expected[i] = (x.getDouble(i) - mean[c]) / std[c];
        }
        assertThat(y).isCloseTo(expected, 1e-6, 1e-6);
        NDArray scalar = Ops.call("_image_normalize", Map.of("mean", 0.5, "std", 2.0), x);
        assertThat(scalar).isCloseTo(Ops.call("_div_scalar", Map.of("scalar", 2.0),
                Ops.call("_minus_scalar", Map.of("scalar", 0.5), x)), 1e-6, 1e-7);
    }

    @Test
    void normalizeRejectsAMeanOfTheWrongLengthAndTheDefaultFourElementTuples() {
        NDArray x = NDArray.zeros(3, 2, 2);
        assertThatThrownBy(() -> Ops.call("_image_normalize", Map.of("mean", "(1, 2)", "std", 1.0), x))
                .hasMessageContaining("mean=(1.0, 2.0) must have 1 or 3 elements").hasMessageContaining("(3, 2, 2)");
        assertThatThrownBy(() -> Ops.call("_image_normalize", x)).hasMessageContaining("mean=(0.0, 0.0, 0.0, 0.0)");
        assertThatThrownBy(() -> Ops.call("_image_normalize", Map.of("mean", 0.0, "std", 1.0), NDArray.zeros(2, 2, 2)))
                .hasMessageContaining("1 or 3 channels");
    }

    /** Bilinear resizing with pixel centres, in double precision: source {@code (d + 0.5) * in / out - 0.5}. */
    private static double[] bilinear(NDArray x, int oh, int ow) {
        int[] d = x.shape().dims();
        int h = d[0];
        int w = d[1];
        int c = d[2];
        double[] out = new double[oh * ow * c];
        for (int y = 0; y < oh; y++) {
            double sy = Math.min(Math.max((y + 0.5) * h / oh - 0.5, 0), h - 1);
            int y0 = (int) sy;
            int y1 = Math.min(y0 + 1, h - 1);
            for (int xo = 0; xo < ow; xo++) {
                double sx = Math.min(Math.max((xo + 0.5) * w / ow - 0.5, 0), w - 1);
                int x0 = (int) sx;
                int x1 = Math.min(x0 + 1, w - 1);
                for (int k = 0; k < c; k++) {
                    double top = x.getDouble((y0 * w + x0) * c + k) * (1 - (sx - x0))
                            + x.getDouble((y0 * w + x1) * c + k) * (sx - x0);
                    double bottom = x.getDouble((y1 * w + x0) * c + k) * (1 - (sx - x0))
                            + x.getDouble((y1 * w + x1) * c + k) * (sx - x0);
                    out[(y * ow + xo) * c + k] = top * (1 - (sy - y0)) + bottom * (sy - y0);
                }
            }
        }
        return out;
    }

    @Test
    void bilinearResizeMapsPixelCentresAsOpenCV() {
        for (int[] sizes : new int[][] {{5, 7, 3, 4}, {3, 4, 7, 9}, {4, 4, 2, 2}, {6, 3, 6, 5}}) {
            NDArray x = image(DType.FLOAT32, sizes[0], sizes[1], 3);
            NDArray y = Ops.call("_image_resize", Map.of("size", new int[] {sizes[3], sizes[2]}), x);
            assertThat(y).hasShape(sizes[2], sizes[3], 3);
            assertThat(y).isCloseTo(bilinear(x, sizes[2], sizes[3]), 1e-5, 1e-3);
            NDArray bytes = Ops.call("_image_resize", Map.of("size", new int[] {sizes[3], sizes[2]}),
                    x.astype(DType.UINT8));
            assertThat(bytes).hasDType(DType.UINT8).isCloseTo(bilinear(x, sizes[2], sizes[3]), 0, 1.0);
        }
    }

    @Test
    void nearestResizeTakesTheFlooredSourceIndex() {
        NDArray x = image(DType.UINT8, 5, 3, 1);
        NDArray y = Ops.call("_image_resize", Map.of("size", "(7, 2)", "interp", 0), x);
        assertThat(y).hasShape(2, 7, 1);
        double[] expected = new double[14];
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 7; c++) {
                expected[r * 7 + c] = x.getDouble((r * 5 / 2) * 3 + Math.min(c * 3 / 7, 2));
            }
        }
        assertThat(y).isCloseTo(expected, 0, 0);
    }

    @Test
    void resizeTakesWidthThenHeightAndKeepsTheRatioOnTheShortSide() {
        NDArray batch = image(DType.FLOAT32, 2, 6, 4, 3);
        assertThat(Ops.call("_image_resize", Map.of("size", "(5, 2)"), batch)).hasShape(2, 2, 5, 3);
        assertThat(Ops.call("_image_resize", Map.of("size", 3), batch)).hasShape(2, 3, 3, 3);
        assertThat(Ops.call("_image_resize", Map.of("size", 3, "keep_ratio", true), batch)).hasShape(2, 4, 3, 3);
        assertThat(Ops.call("_image_resize", Map.of("size", 5, "keep_ratio", true), image(DType.UINT8, 4, 7, 1)))
                .hasShape(5, 8, 1);
        NDArray one = Ops.call("_image_resize", Map.of("size", "(5, 2)"), batch);
        NDArray first = Ops.call("_image_resize", Map.of("size", "(5, 2)"),
                Ops.call("slice_axis", Map.of("axis", 0, "begin", 1, "end", 2), batch).reshape(6, 4, 3));
        assertThat(Ops.call("slice_axis", Map.of("axis", 0, "begin", 1, "end", 2), one).reshape(2, 5, 3))
                .isCloseTo(first, 0, 0);
        assertThatThrownBy(() -> Ops.call("_image_resize", Map.of("size", 3, "interp", 3), batch))
                .hasMessageContaining("interp=3");
        assertThatThrownBy(() -> Ops.call("_image_resize", Map.of("size", 3), image(DType.INT32, 4, 4, 3)))
                .hasMessageContaining("int32");
    }

    @Test
    void cropCutsTheWindowFromEveryImageAndItsGradientPutsItBack() {
        NDArray x = image(DType.UINT8, 2, 4, 5, 3);
        NDArray y = Ops.call("_image_crop", Map.of("x", 1, "y", 2, "width", 3, "height", 2), x);
        assertThat(y).hasShape(2, 2, 3, 3);
        double[] expected = new double[y.size()];
        for (int n = 0; n < 2; n++) {
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 3; c++) {
                    for (int k = 0; k < 3; k++) {
                        expected[((n * 2 + r) * 3 + c) * 3 + k] = x.getDouble(((n * 4 + r + 2) * 5 + c + 1) * 3 + k);
                    }
                }
            }
        }
        assertThat(y).isCloseTo(expected, 0, 0);
        NDArray back = Ops.call("_backward_image_crop", Map.of("x", 1, "y", 2, "width", 3, "height", 2),
                y.astype(DType.FLOAT32), x.astype(DType.FLOAT32));
        for (int i = 0; i < x.size(); i++) {
            int r = (i / 15) % 4;
            int c = (i / 3) % 5;
            boolean inside = r >= 2 && c >= 1 && c < 4;
            assertThat(back.getDouble(i)).isEqualTo(inside ? x.getDouble(i) : 0.0);
        }
        assertThatThrownBy(() -> Ops.call("_image_crop", Map.of("x", 3, "y", 0, "width", 3, "height", 2), x))
                .hasMessageContaining("does not fit").hasMessageContaining("(2, 4, 5, 3)");
    }

    @Test
    void flipsReverseTheWidthOrHeightAxis() {
        NDArray x = image(DType.FLOAT32, 3, 5, 3);
        NDArray lr = Ops.call("_image_flip_left_right", x);
        NDArray tb = Ops.call("_image_flip_top_bottom", x);
        for (int h = 0; h < 3; h++) {
            for (int w = 0; w < 5; w++) {
                for (int k = 0; k < 3; k++) {
                    assertThat(lr.getDouble((h * 5 + w) * 3 + k)).isEqualTo(x.getDouble((h * 5 + 4 - w) * 3 + k));
                    assertThat(tb.getDouble((h * 5 + w) * 3 + k)).isEqualTo(x.getDouble(((2 - h) * 5 + w) * 3 + k));
                }
            }
        }
        assertThatThrownBy(() -> Ops.call("_image_flip_left_right", image(DType.FLOAT32, 2, 3, 5, 3)))
                .hasMessageContaining("(H, W, C)");
    }

    @Test
    void randomFlipsRepeatForASeedAndFlipAboutHalfTheTime() {
        NDArray x = image(DType.UINT8, 2, 4, 1);
        NDArray flipped = Ops.call("_image_flip_left_right", x);
        Random.seed(42);
        boolean[] first = new boolean[200];
        int flips = 0;
        for (int i = 0; i < first.length; i++) {
            NDArray y = Ops.call("_image_random_flip_left_right", x);
            first[i] = y.getDouble(0) == flipped.getDouble(0);
            assertThat(y.getDouble(0) == x.getDouble(0) || first[i]).isTrue();
            flips += first[i] ? 1 : 0;
        }
        assertThat(flips).isBetween(70, 130);
        Random.seed(42);
        for (boolean f : first) {
            assertThat(Ops.call("_image_random_flip_left_right", x).getDouble(0) == flipped.getDouble(0)).isEqualTo(f);
        }
    }
}
