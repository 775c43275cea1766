package dev.kiln.op.conv;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.OutputPlan;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The convolution backward ops skip a gradient their executor marks unused ({@link OutputPlan}): that output keeps
 * the planned array as handed over, and the other gradients are those of an eager call.
 */
class ConvUnusedGradientTest {
    private static final float MARK = 7f;

    private static NDArray random(Random r, int... dims) {
        float[] v = new float[Shape.of(dims).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return NDArray.wrap(Shape.of(dims), v);
    }

    /** Runs {@code op} on {@code in}, output {@code unused} marked unused and handed an array filled with MARK. */
    private static void check(String name, Map<String, ?> raw, int unused, NDArray... in) {
        OpDef op = OpRegistry.global().get(name);
        Attrs attrs = op.attrs(raw);
        List<Shape> outShapes = op.inferShapes(attrs, Arrays.stream(in).map(NDArray::shape).toList());
        List<DType> outTypes = op.inferTypes(attrs, Arrays.stream(in).map(NDArray::dtype).toList());
        List<NDArray> eager = op.compute(new Invocation(op, attrs, List.of(in), outShapes, outTypes, Device.cpu()));
        float[] marked = new float[outShapes.get(unused).size()];
        Arrays.fill(marked, MARK);
        OutputPlan plan = new OutputPlan() {
            @Override
            public NDArray apply(int k) {
                return k == unused ? NDArray.wrap(outShapes.get(k), marked) : null;
            }

            @Override
            public boolean isUnused(int k) {
                return k == unused;
            }
        };
        List<NDArray> planned = op.compute(new Invocation(op, attrs, List.of(in), outShapes, outTypes, Device.cpu(),
                plan));
        float[] expectedMarks = new float[marked.length];
        Arrays.fill(expectedMarks, MARK);
        assertArrayEquals(expectedMarks, (float[]) planned.get(unused).data(), name + " computed output " + unused);
        for (int k = 0; k < eager.size(); k++) {
            if (k != unused) {
                assertThat(planned.get(k)).isCloseTo(eager.get(k), 0, 0);
            }
        }
    }

    @Test
    void convolutionBackwardSkipsAnUnusedDataGradient() {
        Random r = new Random(3);
        check("_backward_Convolution", Map.of("kernel", "(3, 3)", "pad", "(1, 1)", "num_filter", 4), 0,
                random(r, 2, 4, 5, 5), random(r, 2, 3, 5, 5), random(r, 4, 3, 3, 3), random(r, 4));
    }

    @Test
    void convolutionBackwardSkipsAnUnusedWeightGradient() {
        Random r = new Random(4);
        check("_backward_Convolution", Map.of("kernel", "(2, 2)", "stride", "(2, 2)", "num_filter", 2,
                "no_bias", true), 1, random(r, 3, 2, 2, 2), random(r, 3, 1, 4, 4), random(r, 2, 1, 2, 2));
    }

    @Test
    void deconvolutionBackwardSkipsAnUnusedDataGradient() {
        Random r = new Random(5);
        check("_backward_Deconvolution", Map.of("kernel", "(3, 3)", "num_filter", 2), 0,
                random(r, 2, 2, 5, 5), random(r, 2, 3, 3, 3), random(r, 3, 2, 3, 3), random(r, 2));
    }
}
