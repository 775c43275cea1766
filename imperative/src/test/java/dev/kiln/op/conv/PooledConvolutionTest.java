package dev.kiln.op.conv;

import dev.kiln.kernel.simd.VectorSupport;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.DerivedWeights;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import dev.kiln.op.OutputEpilogue;
import dev.kiln.op.PooledOutputOp;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PooledConvolutionTest {
    private static final PooledOutputOp CONV = (PooledOutputOp) OpRegistry.global().get("Convolution");
    private static final OpDef POOLING = OpRegistry.global().get("Pooling");
    private static final Map<String, Object> MAX_2X2 = Ops.attrs("kernel", "(2, 2)", "stride", "(2, 2)");

    /** A leaky ReLU written out, applied to each element of a range in place. */
    private static final OutputEpilogue LEAKY = (a, from, to) -> {
        if (a instanceof float[] f) {
            for (int i = from; i < to; i++) {
                f[i] = f[i] > 0 ? f[i] : 0.125f * f[i];
            }
        } else {
            double[] d = (double[]) a;
            for (int i = from; i < to; i++) {
                d[i] = d[i] > 0 ? d[i] : 0.125 * d[i];
            }
        }
    };

    private static NDArray random(Random r, DType t, int... dims) {
        Shape s = Shape.of(dims);
        double[] v = new double[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(9) == 0 ? 0 : r.nextDouble() * 2 - 1;
        }
        return NDArray.of(s, t, v);
    }

    private static Attrs conv(int filters, int k, int pad, boolean bias) {
        return ((OpDef) CONV).attrs(Ops.attrs("num_filter", filters, "kernel", "(" + k + ", " + k + ")", "pad",
                "(" + pad + ", " + pad + ")", "no_bias", !bias));
    }

    /** The convolution, the epilogue and the pooling run apart, eagerly. */
    private static NDArray apart(List<NDArray> in, Attrs convAttrs, Map<String, Object> pool) {
        NDArray y = Ops.invoke((OpDef) CONV, convAttrs, in).getFirst();
        LEAKY.apply(y.data(), 0, y.size());
        return Ops.call("Pooling", pool, y);
    }

    /** {@link PooledOutputOp#computePooled} into a stale (NaN-filled) planned output, which it must overwrite. */
    private static NDArray pooled(List<NDArray> in, Attrs convAttrs, Map<String, Object> pool, DType t,
                                  DerivedWeights derived) {
        Attrs poolAttrs = POOLING.attrs(pool);
        Shape convOut = ((OpDef) CONV).inferShapes(convAttrs, in.stream().map(NDArray::shape).toList()).getFirst();
        Shape out = POOLING.inferShapes(poolAttrs, List.of(convOut)).getFirst();
        NDArray stale = NDArray.zeros(out, t, in.getFirst().device());
        stale.fill(Double.NaN);
        Invocation call = new Invocation((OpDef) CONV, convAttrs, in, List.of(out), List.of(t),
                in.getFirst().device(), i -> stale);
        NDArray result = CONV.computePooled(call, LEAKY, derived, POOLING, poolAttrs);
        assertThat(result.shape()).isEqualTo(out);
        return result;
    }

    private static void assertPooledLikeApart(int[] x, int filters, int k, int pad, boolean bias,
                                              Map<String, Object> pool, DType t, boolean eachImage) {
        Random r = new Random(x[0] * 131L + x[1] * 17L + filters);
        NDArray data = random(r, t, x);
        NDArray weight = random(r, t, filters, x[1], k, k);
        List<NDArray> in = bias ? List.of(data, weight, random(r, t, filters)) : List.of(data, weight);
        Attrs convAttrs = conv(filters, k, pad, bias);
        String what = "%s %s filters %d, %s".formatted(t, Shape.of(x), filters, pool);
        assertThat(CONV.poolsEachImage(convAttrs, in.stream().map(NDArray::shape).toList(), t, POOLING,
                POOLING.attrs(pool))).as(what).isEqualTo(eachImage && VectorSupport.isAvailable());
        NDArray expected = apart(in, convAttrs, pool);
        DerivedWeights derived = new DerivedWeights();
        for (int call = 0; call < 2; call++) {
            NDArray got = pooled(in, convAttrs, pool, t, derived);
            assertThat(got.toDoubleArray()).as(what + ", call " + call).containsExactly(expected.toDoubleArray());
        }
    }

    @Test
    void aShallowLayerPooledImageByImageEqualsTheLayerAndPoolingRunApart() {
        // one input channel: the direct kernel; one image (split over the threads) and several
        for (int batch : new int[] {1, 3}) {
            assertPooledLikeApart(new int[] {batch, 1, 12, 20}, 8, 3, 1, true, MAX_2X2, DType.FLOAT32, true);
        }
    }

    @Test
    void aLayerWithFewFiltersPooledImageByImageEqualsTheLayerAndPoolingRunApart() {
        // 16 channels into 32 filters: the kernel reading padded planes, as the small CNN's second block
        for (int batch : new int[] {1, 5}) {
            assertPooledLikeApart(new int[] {batch, 16, 14, 14}, 32, 3, 1, true, MAX_2X2, DType.FLOAT32, true);
            assertPooledLikeApart(new int[] {batch, 16, 14, 14}, 24, 3, 1, false, MAX_2X2, DType.FLOAT32, true);
        }
    }

    @Test
    void windowsThatDoNotTileThePlaneAndAveragePoolingArePooledImageByImageToo() {
        int[] x = {3, 12, 13, 13};
        assertPooledLikeApart(x, 16, 3, 1, true, Ops.attrs("kernel", "(3, 3)", "stride", "(2, 2)", "pad", "(1, 1)"),
                DType.FLOAT32, true);
        assertPooledLikeApart(x, 16, 3, 1, true, Ops.attrs("kernel", "(2, 2)", "stride", "(2, 2)", "pool_type", "avg",
                "pooling_convention", "full"), DType.FLOAT32, true);
        assertPooledLikeApart(x, 16, 3, 1, true, Ops.attrs("kernel", "(1, 1)", "global_pool", true, "pool_type",
                "sum"), DType.FLOAT32, true);
    }

    @Test
    void otherLayersAndPoolingsAreComputedWholeThenPooledWithTheSameResult() {
        // a deep layer runs on the products, lp pooling on the general kernel, float64 through the double kernels
        assertPooledLikeApart(new int[] {2, 64, 6, 6}, 64, 3, 1, true, MAX_2X2, DType.FLOAT32, false);
        assertPooledLikeApart(new int[] {2, 16, 14, 14}, 32, 3, 1, true, Ops.attrs("kernel", "(2, 2)", "stride",
                "(2, 2)", "pool_type", "lp", "p_value", 2), DType.FLOAT32, false);
        assertPooledLikeApart(new int[] {2, 1, 12, 20}, 8, 3, 1, true, MAX_2X2, DType.FLOAT64, false);
    }

    @Test
    void onlyAPoolingIsFusedIntoAConvolution() {
        Random r = new Random(5);
        List<NDArray> in = List.of(random(r, DType.FLOAT32, 1, 1, 6, 6), random(r, DType.FLOAT32, 4, 1, 3, 3));
        Attrs convAttrs = conv(4, 3, 1, false);
        OpDef relu = OpRegistry.global().get("relu");
        assertThat(CONV.poolsEachImage(convAttrs, in.stream().map(NDArray::shape).toList(), DType.FLOAT32, relu,
                relu.attrs(Map.of()))).isFalse();
        Invocation call = new Invocation((OpDef) CONV, convAttrs, in, List.of(Shape.of(1, 4, 6, 6)),
                List.of(DType.FLOAT32), in.getFirst().device());
        assertThatThrownBy(() -> CONV.computePooled(call, null, null, relu, relu.attrs(Map.of())))
                .hasMessageContaining("only a Pooling").hasMessageContaining("relu");
    }
}
