package dev.kiln.op.conv;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpSamplingTest {

    @Test
    void nearestRepeatsEachPixelScaleTimesAlongHeightAndWidth() {
        NDArray y = Ops.call("UpSampling", Ops.attrs("scale", 2, "sample_type", "nearest", "num_args", 1),
                NDArray.of(Shape.of(1, 1, 2, 2), 1, 2, 3, 4));
        assertThat(y).hasShape(1, 1, 4, 4).isCloseTo(new double[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4},
                0, 0);
    }

    @Test
    void nearestWithSeveralInputsUpsamplesEachToTheFirstOnesSizeAndConcatenatesChannels() {
        NDArray a = NDArray.of(Shape.of(1, 1, 2, 2), 1, 2, 3, 4);
        NDArray b = NDArray.of(Shape.of(1, 2, 1, 1), 5, 6);
        NDArray y = Ops.call("UpSampling", Ops.attrs("scale", 2, "sample_type", "nearest", "num_args", 2), a, b);
        assertThat(y).hasShape(1, 3, 4, 4);
        double[] expected = new double[48];
        double[] first = {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};
        System.arraycopy(first, 0, expected, 0, 16);
        java.util.Arrays.fill(expected, 16, 32, 5);
        java.util.Arrays.fill(expected, 32, 48, 6);
        assertThat(y).isCloseTo(expected, 0, 0);
    }

    @Test
    void nearestSumModeAddsTheUpsampledInputs() {
        NDArray a = NDArray.of(Shape.of(1, 1, 2, 2), 1, 2, 3, 4);
        NDArray b = NDArray.of(Shape.of(1, 1, 1, 1), 10);
        NDArray y = Ops.call("UpSampling", Ops.attrs("scale", 2, "sample_type", "nearest", "num_args", 2,
                "multi_input_mode", "sum"), a, b);
        assertThat(y).hasShape(1, 1, 4, 4).isCloseTo(new double[] {11, 11, 12, 12, 11, 11, 12, 12, 13, 13, 14, 14,
            13, 13, 14, 14}, 0, 0);
    }

    @Test
    void nearestInFloat64AndFloat16KeepsTheDtype() {
        NDArray x = NDArray.of(Shape.of(1, 1, 1, 2), DType.FLOAT16, 0.5, -2);
        NDArray y = Ops.call("UpSampling", Ops.attrs("scale", 3, "sample_type", "nearest", "num_args", 1), x);
        assertThat(y).hasDType(DType.FLOAT16).hasShape(1, 1, 3, 6)
                .isCloseTo(new double[] {0.5, 0.5, 0.5, -2, -2, -2, 0.5, 0.5, 0.5, -2, -2, -2, 0.5, 0.5, 0.5, -2, -2,
                    -2}, 0, 0);
        NDArray z = Ops.call("UpSampling", Ops.attrs("scale", 1, "sample_type", "nearest", "num_args", 1),
                x.astype(DType.FLOAT64));
        assertThat(z).hasDType(DType.FLOAT64).isCloseTo(new double[] {0.5, -2}, 0, 0);
    }

    @Test
    void bilinearIsDepthwiseDeconvolutionWithTheGivenWeight() {
        NDArray y = Ops.call("UpSampling", Ops.attrs("scale", 2, "sample_type", "bilinear", "num_filter", 1,
                "num_args", 2), NDArray.ones(1, 1, 3, 3), NDArray.ones(1, 1, 4, 4));
        assertThat(y).hasShape(1, 1, 6, 6).isCloseTo(new double[] {1, 2, 2, 2, 2, 1, 2, 4, 4, 4, 4, 2, 2, 4, 4, 4, 4,
            2, 2, 4, 4, 4, 4, 2, 2, 4, 4, 4, 4, 2, 1, 2, 2, 2, 2, 1}, 0, 0);
    }

    @Test
    void bilinearOddScaleMatchesScatteringReference() {
        // scale 3: kernel 5, stride 3, pad 1
        int[] xd = {2, 2, 3, 2};
        double[] x = DirectConv.values(24, 41);
        double[] w = DirectConv.values(50, 42);
        int[] od = {2, 2, 9, 6};
        double[] expected = DirectConv.deconv(x, xd, w, null, 2, 2, new int[] {5, 5}, new int[] {3, 3},
                new int[] {1, 1}, new int[] {1, 1}, od);
        NDArray y = Ops.call("UpSampling", Ops.attrs("scale", 3, "sample_type", "bilinear", "num_filter", 2,
                "num_args", 2), NDArray.of(Shape.of(xd), DType.FLOAT64, x),
                NDArray.of(Shape.of(2, 1, 5, 5), DType.FLOAT64, w));
        assertThat(y).hasShape(od).isCloseTo(expected, 1e-12, 1e-12);
    }

    @Test
    void inputNamesFollowSampleType() {
        var op = OpRegistry.global().get("UpSampling");
        assertThat(op.inputNames(op.attrs(Map.of("scale", "2", "sample_type", "nearest", "num_args", "3"))))
                .containsExactly("arg0", "arg1", "arg2");
        var bil = op.attrs(Map.of("scale", "2", "sample_type", "bilinear", "num_args", "2"));
        assertThat(op.inputNames(bil)).containsExactly("data", "weight");
        assertThat(bil.values()).containsEntry("num_filter", 0).containsEntry("multi_input_mode", "concat")
                .containsEntry("workspace", 512L);
    }

    @Test
    void badShapesAndAttributesAreRejected() {
        assertThatThrownBy(() -> Ops.call("UpSampling", Ops.attrs("scale", 2, "sample_type", "bilinear",
                "num_filter", 1, "num_args", 2), NDArray.ones(1, 2, 3, 3), NDArray.ones(2, 1, 4, 4)))
                .hasMessageContaining("num_filter=1 must equal the channels of data (1, 2, 3, 3)");
        assertThatThrownBy(() -> Ops.call("UpSampling", Ops.attrs("scale", 2, "sample_type", "bilinear",
                "num_filter", 1, "num_args", 2), NDArray.ones(1, 1, 3, 3), NDArray.ones(1, 1, 3, 3)))
                .hasMessageContaining("weight has shape (1, 1, 3, 3) but expected (1, 1, 4, 4)");
        assertThatThrownBy(() -> Ops.call("UpSampling", Ops.attrs("scale", 2, "sample_type", "nearest",
                "num_args", 2, "multi_input_mode", "sum"), NDArray.ones(1, 1, 2, 2), NDArray.ones(1, 2, 2, 2)))
                .hasMessageContaining("'arg1' (1, 2, 2, 2) has 2 channels");
        assertThatThrownBy(() -> Ops.call("UpSampling", Ops.attrs("scale", 2, "sample_type", "nearest",
                "num_args", 2), NDArray.ones(1, 1, 3, 3), NDArray.ones(1, 1, 4, 4)))
                .hasMessageContaining("'arg1' (1, 1, 4, 4) cannot be upsampled");
        assertThatThrownBy(() -> Ops.call("UpSampling", Ops.attrs("scale", 2, "sample_type", "nearest",
                "num_args", 1), NDArray.ones(1, 3, 3))).hasMessageContaining("must be 4-D");
        assertThatThrownBy(() -> Ops.call("UpSampling", Ops.attrs("scale", 2, "num_args", 1), NDArray.ones(1, 1, 3, 3)))
                .hasMessageContaining("sample_type");
    }
}
