package dev.kiln.op.conv;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.InferenceRun;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Expected values come from an independent NumPy implementation of bilinear resizing, pasted as literals. */
class BilinearResize2DTest {
    private static final String OP = "_contrib_BilinearResize2D";
    private static final double[] AC_UP = {1.0, 1.5, 2.0, 3.0, 4.0, 2.0, 2.75, 3.5, 2.5, 1.5, 3.0, 4.0, 5.0, 2.0,
        -1.0};

    private static NDArray x23() {
        return NDArray.of(Shape.of(1, 1, 2, 3), 1, 2, 4, 3, 5, -1);
    }

    private static NDArray x44(DType t) {
        double[] v = new double[16];
        for (int i = 0; i < 16; i++) {
            v[i] = Math.pow(i, 1.5);
        }
        return NDArray.of(Shape.of(1, 1, 4, 4), t, v);
    }

    @Test
    void alignCornersIsTheDefaultAndMapsCornersOntoCorners() {
        assertThat(OpRegistry.global().get(OP).defaultAttrs().values()).containsEntry("align_corners", true)
                .containsEntry("mode", "size").containsEntry("height", 1).containsEntry("width", 1);
        NDArray y = Ops.call(OP, Ops.attrs("height", 3, "width", 5), x23());
        assertThat(y).hasShape(1, 1, 3, 5).isCloseTo(AC_UP, 1e-6, 1e-6);
    }

    @Test
    void withoutAlignCornersPixelCentresScaleAndNegativeSourcesClamp() {
        NDArray y = Ops.call(OP, Ops.attrs("height", 3, "width", 5, "align_corners", false), x23());
        assertThat(y).isCloseTo(new double[] {1.0, 1.4, 2.0, 3.2, 4.0, 2.0, 2.6, 3.5, 2.3, 1.5, 3.0, 3.8, 5.0, 1.4,
            -1.0}, 1e-6, 1e-6);
    }

    @Test
    void downsamplingInFloat64WithAndWithoutAlignCorners() {
        assertThat(Ops.call(OP, Ops.attrs("height", 2, "width", 3, "align_corners", "False"), x44(DType.FLOAT64)))
                .hasDType(DType.FLOAT64).isCloseTo(new double[] {4.3483616573, 7.4264263672, 11.3422852985,
                    32.9046123733, 39.4695366494, 46.4078412043}, 1e-6, 1e-6);
        assertThat(Ops.call(OP, Ops.attrs("height", 2, "width", 3), x44(DType.FLOAT64)))
                .isCloseTo(new double[] {0.0, 1.9142135624, 5.1961524227, 41.5692193817, 49.6276849979,
                    58.0947501931}, 1e-6, 1e-6);
    }

    @Test
    void sameSizeCopiesTheInput() {
        NDArray x = x44(DType.FLOAT32);
        assertThat(Ops.call(OP, Ops.attrs("height", 4, "width", 4, "align_corners", false), x))
                .isCloseTo(x.toDoubleArray(), 0, 0);
    }

    @Test
    void scalesTruncateTheScaledSizeAndNeedBothWhenScaleHeightIsGiven() {
        NDArray y = Ops.call(OP, Ops.attrs("scale_height", 1.5, "scale_width", "1.7"), x23());
        assertThat(y).hasShape(1, 1, 3, 5).isCloseTo(AC_UP, 1e-6, 1e-6);
        // as in MXNet, scale_width alone is ignored in mode 'size'
        assertThat(Ops.call(OP, Ops.attrs("scale_width", 3.0, "height", 3, "width", 5), x23())).hasShape(1, 1, 3, 5);
        assertThatThrownBy(() -> Ops.call(OP, Ops.attrs("scale_height", 2.0), x23()))
                .hasMessageContaining("scale_width is required");
    }

    @Test
    void modesChooseTheOutputSize() {
        NDArray x = x23();
        assertThat(Ops.call(OP, Ops.attrs("mode", "odd_scale", "scale_height", 2.0, "scale_width", 2.0), x))
                .hasShape(1, 1, 4, 5);
        assertThat(Ops.call(OP, Ops.attrs("mode", "to_even_down"), x)).hasShape(1, 1, 2, 2);
        assertThat(Ops.call(OP, Ops.attrs("mode", "to_even_up"), x)).hasShape(1, 1, 2, 4);
        assertThat(Ops.call(OP, Ops.attrs("mode", "to_odd_down"), x)).hasShape(1, 1, 1, 3);
        assertThat(Ops.call(OP, Ops.attrs("mode", "to_odd_up"), x)).hasShape(1, 1, 3, 3);
        NDArray like = NDArray.zeros(Shape.of(7, 9, 3, 5), DType.INT32, dev.kiln.ndarray.Device.cpu());
        NDArray y = Ops.call(OP, Ops.attrs("mode", "like"), x, like);
        assertThat(y).hasShape(1, 1, 3, 5).isCloseTo(AC_UP, 1e-6, 1e-6);
        var op = OpRegistry.global().get(OP);
        assertThat(op.inputNames(op.attrs(Map.of("mode", "like")))).containsExactly("data", "like");
        assertThat(op.inputNames(op.defaultAttrs())).containsExactly("data");
    }

    @Test
    void halfPrecisionResizesInFloat32() {
        NDArray y = Ops.call(OP, Ops.attrs("height", 3, "width", 5), x23().astype(DType.FLOAT16));
        assertThat(y).hasDType(DType.FLOAT16).isCloseTo(AC_UP, 1e-3, 1e-3);
    }

    @Test
    void badInputsAreRejected() {
        assertThatThrownBy(() -> Ops.call(OP, Ops.attrs("height", 2, "width", 2), NDArray.zeros(1, 2, 2)))
                .hasMessageContaining("data must be 4-D");
        assertThatThrownBy(() -> Ops.call(OP, Ops.attrs("height", 0), x23())).hasMessageContaining("height=0");
        assertThatThrownBy(() -> Ops.call(OP, Ops.attrs("mode", "odd_scale"), x23()))
                .hasMessageContaining("scale_height is required in mode='odd_scale'");
        NDArray ints = NDArray.zeros(Shape.of(1, 1, 2, 2), DType.INT32, dev.kiln.ndarray.Device.cpu());
        assertThatThrownBy(() -> Ops.call(OP, Ops.attrs("height", 3, "width", 3), ints))
                .hasMessageContaining("input 'data' has dtype int32");
    }

    @Test
    void likeTakesTheDataDTypeOnlyWhenUnknown() {
        InferenceRun<DType> unknown = InferenceRun.types(OP, Map.of("mode", "like"), DType.FLOAT64, null);
        assertThat(unknown.inputs()).containsExactly(DType.FLOAT64, DType.FLOAT64);
        assertThat(unknown.outputs()).containsExactly(DType.FLOAT64);
        InferenceRun<DType> given = InferenceRun.types(OP, Map.of("mode", "like"), DType.FLOAT32, DType.INT32);
        assertThat(given.inputs()).containsExactly(DType.FLOAT32, DType.INT32);
        assertThat(given.outputs()).containsExactly(DType.FLOAT32);
    }
}
