package dev.kiln.op.conv;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The float32 fast pooling loops against the general window-by-window kernels, bit for bit (any NaN equal to any
 * other), on random data with many ties (small integers, both signs of zero) and NaN, infinities and the lowest float
 * mixed in, for the window shapes the fast path unrolls (2 and 3 wide; 2x2 stride-2 rows narrower, as wide as and
 * wider than a vector, with and without a partial last vector, planes of an odd height whose last data row no window
 * reads; where such windows cover the planes the gradient is written over an array holding other values, as a
 * planned buffer would), wider and adaptive windows, padding, both averaging divisors, the full convention, global
 * pooling and 1-D and 3-D data.
 */
class FastPoolKernelsTest {
    private static final PoolingOp POOLING = (PoolingOp) OpRegistry.global().get("Pooling");

    static Stream<Object[]> cases() {
        List<Object[]> attrs = List.of(
                new Object[] {new int[] {3, 4, 12, 10}, "kernel", "(2, 2)", "stride", "(2, 2)"},
                new Object[] {new int[] {2, 3, 11, 9}, "kernel", "(3, 3)", "stride", "(2, 2)", "pad", "(1, 1)"},
                new Object[] {new int[] {2, 3, 9, 8}, "kernel", "(3, 3)", "stride", "(1, 1)", "pad", "(1, 1)"},
                new Object[] {new int[] {2, 2, 7, 9}, "kernel", "(2, 2)", "stride", "(1, 1)"},
                new Object[] {new int[] {2, 2, 9, 9}, "kernel", "(3, 3)", "stride", "(2, 2)",
                    "pooling_convention", "full"},
                new Object[] {new int[] {2, 2, 8, 8}, "kernel", "(2, 2)", "stride", "(2, 2)", "pad", "(1, 1)",
                    "pooling_convention", "full"},
                new Object[] {new int[] {1, 3, 10, 13}, "kernel", "(4, 5)", "stride", "(3, 2)", "pad", "(2, 1)"},
                new Object[] {new int[] {2, 3, 7, 6}, "global_pool", true},
                new Object[] {new int[] {64, 8, 14, 14}, "kernel", "(2, 2)", "stride", "(2, 2)"},
                new Object[] {new int[] {2, 2, 6, 32}, "kernel", "(2, 2)", "stride", "(2, 2)"},
                new Object[] {new int[] {2, 3, 8, 28}, "kernel", "(2, 2)", "stride", "(2, 2)"},
                new Object[] {new int[] {3, 2, 4, 4}, "kernel", "(2, 2)", "stride", "(2, 2)"},
                new Object[] {new int[] {5, 1, 2, 2}, "kernel", "(2, 2)", "stride", "(2, 2)"},
                new Object[] {new int[] {2, 3, 6, 40}, "kernel", "(2, 2)", "stride", "(2, 2)"},
                new Object[] {new int[] {3, 3, 6, 17}, "kernel", "(2, 2)", "stride", "(2, 2)"},
                new Object[] {new int[] {1, 3, 5, 67}, "kernel", "(2, 2)", "stride", "(2, 2)"},
                new Object[] {new int[] {2, 3, 7, 14}, "kernel", "(2, 2)", "stride", "(2, 2)"},
                new Object[] {new int[] {3, 2, 9, 10}, "kernel", "(2, 2)", "stride", "(2, 2)"},
                new Object[] {new int[] {2, 2, 4, 41}, "kernel", "(2, 2)", "stride", "(2, 2)", "pad", "(1, 1)"},
                new Object[] {new int[] {3, 2, 11}, "kernel", "(3,)", "stride", "(2,)", "pad", "(1,)"},
                new Object[] {new int[] {2, 2, 5, 6, 7}, "kernel", "(2, 3, 2)", "stride", "(1, 2, 2)",
                    "pad", "(1, 1, 0)"});
        return attrs.stream().flatMap(a -> Stream.of("max", "avg", "sum").flatMap(type -> Stream.of(
                new Object[] {type, a, null}, new Object[] {type, a, false})));
    }

    /** Small integers (many ties, both zeros) with about one in eight elements NaN, +-inf or -Float.MAX_VALUE. */
    private static float[] data(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        float[] specials = {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -Float.MAX_VALUE, -0f};
        for (int i = 0; i < n; i++) {
            x[i] = r.nextInt(8) == 0 ? specials[r.nextInt(specials.length)] : r.nextInt(7) - 3;
        }
        return x;
    }

    /** Where the offset pooling writes its output, and how much is left after it. */
    private static final int SHIFT = 37;

    /**
     * Pooled into a larger array from an offset (a pooled convolution's image), the planes' outputs are
     * {@code expected} and no other element is written.
     */
    private static void assertPoolsFromAnOffset(float[] x, int planes, PoolKernels.Spec spec, float[] expected) {
        float[] shifted = new float[expected.length + 2 * SHIFT];
        Arrays.fill(shifted, 42f);
        FastPoolKernels.pool(x, shifted, SHIFT, planes, spec);
        assertThat(bits(Arrays.copyOfRange(shifted, SHIFT, SHIFT + expected.length))).isEqualTo(bits(expected));
        assertThat(Arrays.copyOf(shifted, SHIFT)).containsOnly(42f);
        assertThat(Arrays.copyOfRange(shifted, SHIFT + expected.length, shifted.length)).containsOnly(42f);
    }

    /** The bits of each value, NaNs collapsed to one (Java leaves NaN payloads to the hardware). */
    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToIntBits(v[i]);
        }
        return b;
    }

    @ParameterizedTest(name = "{0} {1} count_include_pad={2}")
    @MethodSource("cases")
    void fastPoolingMatchesTheGeneralKernelsBitForBit(String type, Object[] shapeAndAttrs, Boolean countIncludePad) {
        Shape shape = Shape.of((int[]) shapeAndAttrs[0]);
        Object[] kv = Arrays.copyOfRange(shapeAndAttrs, 1, shapeAndAttrs.length);
        var map = new java.util.HashMap<>(Ops.attrs(kv));
        map.put("pool_type", type);
        if (countIncludePad != null) {
            map.put("count_include_pad", countIncludePad);
        }
        Attrs attrs = POOLING.attrs(map);
        PoolParams p = PoolParams.parse(POOLING, attrs, shape);
        Shape out = POOLING.inferShapes(attrs, List.of(shape)).get(0);
        PoolKernels.Spec spec = PoolingOp.spec(p, shape.dims(), out.dims(), DType.FLOAT32);
        assertThat(FastPoolKernels.handles(spec)).isTrue();
        int planes = shape.get(0) * shape.get(1);
        float[] x = data(shape.size(), shape.size() * 31L + type.hashCode());

        float[] fast = new float[out.size()];
        float[] general = new float[out.size()];
        FastPoolKernels.pool(x, fast, planes, spec);
        PoolKernels.pool(x, general, planes, spec);
        assertThat(bits(fast)).isEqualTo(bits(general));
        assertPoolsFromAnOffset(x, planes, spec, general);

        float[] dy = data(out.size(), 7);
        // a kernel that writes every element of the gradient gets an array still holding other values
        float[] dxFast = FastPoolKernels.assigns(spec) ? data(x.length, 9) : new float[x.length];
        float[] dxGeneral = new float[x.length];
        FastPoolKernels.backward(dy, x, general, dxFast, planes, spec);
        PoolGradKernels.backward(dy, x, general, dxGeneral, planes, spec);
        assertThat(bits(dxFast)).isEqualTo(bits(dxGeneral));
    }

    /**
     * The pooling gradient fused with the slope of the ReLU whose output is the data, against the general kernel's
     * gradient multiplied by {@code x > 0 ? 1 : 0} in a plain loop, for 2x2 stride-2 windows covering the planes (rows
     * narrower than, as wide as and wider than a vector, with a partial last vector); the data is a ReLU's output
     * (NaN, +inf and both zeros kept) and the gradient array holds other values on entry.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("coveringShapes")
    void reluGradientMatchesPoolingGradientTimesSlope(int[] dims) {
        Shape shape = Shape.of(dims);
        Attrs attrs = POOLING.attrs(Ops.attrs("kernel", "(2, 2)", "stride", "(2, 2)", "pool_type", "max"));
        PoolParams p = PoolParams.parse(POOLING, attrs, shape);
        Shape out = POOLING.inferShapes(attrs, List.of(shape)).get(0);
        PoolKernels.Spec spec = PoolingOp.spec(p, shape.dims(), out.dims(), DType.FLOAT32);
        int planes = shape.get(0) * shape.get(1);
        float[] x = data(shape.size(), shape.size() * 17L);
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.max(x[i], 0f);
        }
        float[] y = new float[out.size()];
        PoolKernels.pool(x, y, planes, spec);
        float[] dy = data(out.size(), 5);
        float[] expected = new float[x.length];
        PoolGradKernels.backward(dy, x, y, expected, planes, spec);
        for (int i = 0; i < x.length; i++) {
            expected[i] = expected[i] * (x[i] > 0 ? 1f : 0f);
        }
        if (FastPoolKernels.assigns(spec)) {
            float[] fused = data(x.length, 9);
            FastPoolKernels.reluBackward(dy, x, y, fused, planes, spec);
            assertThat(bits(fused)).isEqualTo(bits(expected));
        }
    }

    static Stream<int[]> coveringShapes() {
        return Stream.of(new int[] {3, 4, 12, 10}, new int[] {64, 8, 14, 14}, new int[] {2, 2, 6, 32},
                new int[] {2, 3, 8, 28}, new int[] {3, 2, 4, 4}, new int[] {5, 1, 2, 2}, new int[] {2, 3, 6, 40},
                new int[] {2, 2, 4, 68}, new int[] {4, 16, 28, 28});
    }

    @ParameterizedTest(name = "adaptive {0}")
    @MethodSource("adaptiveCases")
    void fastAdaptivePoolingMatchesTheGeneralKernelsBitForBit(boolean max, int[] image, int[] grid) {
        PoolKernels.Spec spec = new PoolKernels.Spec(PoolWindows.adaptive(image, grid), max, !max, 1, false,
                Double.NEGATIVE_INFINITY);
        int planes = 6;
        int imSize = Arrays.stream(image).reduce(1, (a, b) -> a * b);
        int grSize = Arrays.stream(grid).reduce(1, (a, b) -> a * b);
        float[] x = data(planes * imSize, 11);
        float[] fast = new float[planes * grSize];
        float[] general = new float[planes * grSize];
        FastPoolKernels.pool(x, fast, planes, spec);
        PoolKernels.pool(x, general, planes, spec);
        assertThat(bits(fast)).isEqualTo(bits(general));
        assertPoolsFromAnOffset(x, planes, spec, general);

        float[] dy = data(planes * grSize, 13);
        float[] dxFast = new float[x.length];
        float[] dxGeneral = new float[x.length];
        FastPoolKernels.backward(dy, x, general, dxFast, planes, spec);
        PoolGradKernels.backward(dy, x, general, dxGeneral, planes, spec);
        assertThat(bits(dxFast)).isEqualTo(bits(dxGeneral));
    }

    static Stream<Object[]> adaptiveCases() {
        return Stream.of(true, false).flatMap(max -> Stream.of(
                new Object[] {max, new int[] {7, 10}, new int[] {3, 4}},
                new Object[] {max, new int[] {5, 5}, new int[] {7, 3}},
                new Object[] {max, new int[] {4, 6, 9}, new int[] {2, 3, 2}}));
    }
}
