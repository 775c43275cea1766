package dev.kiln.op.shape;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.kiln.op.shape.ShapeTestSupport.arange;
import static dev.kiln.op.shape.ShapeTestSupport.attrs;
import static dev.kiln.op.shape.ShapeTestSupport.call;
import static dev.kiln.op.shape.ShapeTestSupport.fails;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

class IdentityTest {

    @Test
    void castTruncatesTowardZeroForIntegers() {
        NDArray x = NDArray.of(Shape.of(3), 0.9f, 1.3f, -1.7f);
        assertThat(call("Cast", attrs("dtype", "int32"), x)).hasDType(DType.INT32).hasShape(3)
                .isCloseTo(new double[] {0, 1, -1}, 0, 0);
    }

    @Test
    void castFollowsMXNetsDocumentedExamples() {
        // From MXNet's Cast documentation (uint8 wraps through int32).
        NDArray x = NDArray.of(Shape.of(5), 300f, 11.1f, 10.9f, -1f, -3f);
        assertThat(call("cast", attrs("dtype", "uint8"), x)).hasDType(DType.UINT8)
                .isCloseTo(new double[] {44, 11, 10, 255, 253}, 0, 0);
        // Round to nearest even, as np.float16(np.float32(11.1)) gives; MXNet's page prints a truncated 11.09375.
        NDArray big = NDArray.of(Shape.of(2), 1e20f, 11.1f);
        assertThat(call("cast", attrs("dtype", DType.FLOAT16), big)).hasDType(DType.FLOAT16)
                .isCloseTo(new double[] {Double.POSITIVE_INFINITY, 11.1015625}, 0, 0);
    }

    @Test
    void castToBoolIsNonZeroAndBackIsZeroOrOne() {
        NDArray x = NDArray.of(Shape.of(3), 0f, 0.5f, -2f);
        NDArray b = call("cast", attrs("dtype", "bool"), x);
        assertThat(b).hasDType(DType.BOOL).isCloseTo(new double[] {0, 1, 1}, 0, 0);
        assertThat(call("cast", attrs("dtype", "float32"), b)).hasDType(DType.FLOAT32)
                .isCloseTo(new double[] {0, 1, 1}, 0, 0);
        fails("cast", attrs("dtype", "complex64"), x).hasMessageContaining("dtype");
        fails("cast", attrs(), x).hasMessageContaining("dtype");
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "INT32", "FLOAT16", "BOOL"})
    void zerosAndOnesLikeKeepShapeAndDType(DType t) {
        NDArray x = arange(t, 2, 3);
        assertThat(call("zeros_like", attrs(), x)).hasShape(2, 3).hasDType(t).isCloseTo(new double[6], 0, 0);
        assertThat(call("ones_like", attrs(), x)).hasShape(2, 3).hasDType(t)
                .isCloseTo(new double[] {1, 1, 1, 1, 1, 1}, 0, 0);
    }

    @Test
    void copyAndBlockGradReturnEqualValuesInNewStorage() {
        NDArray x = arange(DType.INT32, 2, 2);
        for (String op : new String[] {"_copy", "identity", "BlockGrad", "stop_gradient"}) {
            NDArray y = call(op, attrs(), x);
            assertThat(y).hasShape(2, 2).hasDType(DType.INT32).isCloseTo(new double[] {0, 1, 2, 3}, 0, 0);
            assertThat(y.sharesStorageWith(x)).as(op).isFalse();
        }
    }

    @Test
    void blockGradAndConstantOpsTellAutogradNoGradientFlows() {
        OpRegistry r = OpRegistry.global();
        assertThat(r.get("stop_gradient").isDifferentiable()).isFalse();
        assertThat(r.get("zeros_like").isDifferentiable()).isFalse();
        assertThat(r.get("ones_like").isDifferentiable()).isFalse();
        assertThat(r.get("shape_array").isDifferentiable()).isFalse();
        assertThat(r.get("size_array").isDifferentiable()).isFalse();
        assertThat(r.get("identity").isDifferentiable()).isTrue();
        assertThat(r.get("cast").isDifferentiable()).isTrue();
    }

    @Test
    void shapeArrayAndSizeArrayAreInt64() {
        assertThat(call("shape_array", attrs(), arange(DType.FLOAT16, 2, 3, 4))).hasShape(3).hasDType(DType.INT64)
                .isCloseTo(new double[] {2, 3, 4}, 0, 0);
        assertThat(call("shape_array", attrs(), NDArray.scalar(1))).hasShape(0).hasDType(DType.INT64);
        assertThat(call("size_array", attrs(), arange(2, 3, 4))).hasShape(1).hasDType(DType.INT64)
                .isCloseTo(new double[] {24}, 0, 0);
        assertThat(call("size_array", attrs(), arange(DType.BOOL, 0, 3))).hasShape(1)
                .isCloseTo(new double[] {0}, 0, 0);
    }
}
