package dev.kiln.random;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;
import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * MXNet's {@code _shuffle}: a copy of {@code data} with its rows (slices along the first axis) in random order; the
 * contents of each row are unchanged. A 0-d array is returned as a copy.
 */
final class ShuffleOp extends RandomOp {
    static final ShuffleOp INSTANCE = new ShuffleOp();

    private ShuffleOp() {
        super("_shuffle", List.of("data"), List.of(), "shuffle");
    }

    @Override
    public String doc() {
        return "Randomly shuffles the array along its first axis";
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        return List.of(inputShapes.get(0));
    }

    /** The output has the data's shape (and, by the default rule, its dtype). */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unifyAll();
    }

    /** The row order of one shuffle of {@code rows} rows: row {@code r} of the result is input row {@code p[r]}. */
    static int[] permutation(long key, int rows) {
        int[] p = new int[rows];
        for (int i = 0; i < rows; i++) {
            p[i] = i;
        }
        for (int i = rows - 1; i > 0; i--) {
            int j = (int) Generator.below(Generator.bits(key, i), i + 1L);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    @Override
    List<NDArray> draw(Generator generator, Invocation call) {
        NDArray in = call.input(0);
        NDArray out = NDArray.zeros(in.shape(), in.dtype(), in.device());
        if (in.rank() == 0) {
            in.copyTo(out);
            return List.of(out);
        }
        int rows = in.shape().get(0);
        int rowSize = rows == 0 ? 0 : in.size() / rows;
        int[] perm = permutation(generator.nextKey(), rows);
        Object src = in.data();
        Object dst = out.data();
        Parallel.forRange(rows, Math.max(1, (1 << 14) / Math.max(1, rowSize)), (from, to) -> {
            for (int r = from; r < to; r++) {
                System.arraycopy(src, perm[r] * rowSize, dst, r * rowSize, rowSize);
            }
        });
        return List.of(out);
    }
}
