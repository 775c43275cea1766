package dev.kiln.op.reduce;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.parallel.Parallel;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.kiln.op.Ops.attrs;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reductions give bit-identical results whether they run split across Kiln's workers or on one thread: a call made
 * from inside a worker runs sequentially (see {@link Parallel#chunksFor}), so comparing it with a call from the test
 * thread compares one thread against all of them.
 */
class ThreadIndependenceTest {

    private static NDArray noise(int... dims) {
        Shape s = Shape.of(dims);
        float[] v = new float[s.size()];
        long state = 12345;
        for (int i = 0; i < v.length; i++) {
            state = state * 6364136223846793005L + 1442695040888963407L;
            v[i] = (float) ((state >>> 40) / (double) (1 << 24) - 0.5) * 1000f;
        }
        return NDArray.of(s, v);
    }

    private static float[] sequentialInWorker(String op, Map<String, ?> attrs, NDArray x) {
        float[][] result = new float[2][];
        Parallel.forRange(2, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                result[i] = Ops.call(op, attrs, x).toFloatArray();
            }
        });
        return result[1];
    }

    @Test
    void sumsMeansAndNormsDoNotDependOnTheThreadCount() {
        NDArray flat = noise(1 << 19);
        NDArray wide = noise(16, 20_000);
        NDArray tall = noise(10_000, 40);
        for (String op : new String[] {"sum", "mean", "norm", "logsumexp", "nansum"}) {
            assertThat(Ops.call(op, flat).toFloatArray()).isEqualTo(sequentialInWorker(op, Map.of(), flat));
            assertThat(Ops.call(op, attrs("axis", 1), wide).toFloatArray())
                    .isEqualTo(sequentialInWorker(op, attrs("axis", 1), wide));
            assertThat(Ops.call(op, attrs("axis", 0), tall).toFloatArray())
                    .isEqualTo(sequentialInWorker(op, attrs("axis", 0), tall));
        }
        assertThat(Ops.call("cumsum", attrs("axis", 0), tall).toFloatArray())
                .isEqualTo(sequentialInWorker("cumsum", attrs("axis", 0), tall));
        assertThat(Ops.call("sum", attrs("axis", 0), tall.astype(DType.FLOAT64)).toFloatArray())
                .isEqualTo(sequentialInWorker("sum", attrs("axis", 0), tall.astype(DType.FLOAT64)));
    }
}
