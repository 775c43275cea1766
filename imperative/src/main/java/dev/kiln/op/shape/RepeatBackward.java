package dev.kiln.op.shape;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.Ops;

import java.util.List;
import java.util.Map;

/**
 * The gradients of {@code tile} and {@code repeat}: {@code _backward_tile} and {@code _backward_repeat}, each taking
 * {@code (out_grad, data)} and summing {@code out_grad} over the copies into {@code data}'s shape ({@code data} lends
 * only its shape). Both view {@code out_grad} with the copies on axes of their own and reduce those with {@code sum}.
 * Each is linear in {@code out_grad}, so its own gradient is the forward op again.
 */
abstract class RepeatBackward extends ShapeBackward {

    RepeatBackward(String name, List<AttrSpec<?>> attrs, String forward) {
        super(name, attrs, forward, "the forward output for");
    }

    /** Output 0 filled with {@code out_grad} viewed as {@code dims} and summed over {@code axes}. */
    static NDArray sumOver(Invocation call, int[] dims, int[] axes) {
        NDArray g = call.input(0);
        if (g.size() == 0 || axes.length == 0) {
            NDArray out = call.newOutput(0);
            if (g.size() > 0) {
                Strided.copyRow(g.data(), 0, 1, out.data(), 0, 1, g.size());
            }
            return out;
        }
        NDArray view = NDArray.wrap(Shape.of(dims), g.dtype(), g.device(), g.data());
        NDArray summed = Ops.invoke("sum", Map.of("axis", axes), view).get(0);
        DType t = call.outputTypes().get(0);
        Object data = summed.dtype() == t ? summed.data() : Storage.convert(summed.dtype(), summed.data(), t);
        return call.wrapOutput(0, data);
    }

    /** {@code _backward_tile}: with {@code tile}'s reps. */
    static final class OfTile extends RepeatBackward {
        private static final Repeating.Tile FORWARD = new Repeating.Tile();

        OfTile() {
            super("_backward_tile", List.of(Repeating.Tile.REPS), "tile");
        }

        @Override
        public String doc() {
            return "Sums tile's output gradient over the tiles.";
        }

        @Override
        Shape forwardShape(Attrs attrs, Shape data, Shape outGrad) {
            return FORWARD.inferShapes(attrs, List.of(data)).get(0);
        }

        /** The output gradient as {@code (reps_0, x_0, reps_1, x_1, ...)}, summed over the reps axes. */
        @Override
        public List<NDArray> compute(Invocation call) {
            int[][] a = FORWARD.aligned(call.attrs(), call.input(1).shape());
            int r = a[0].length;
            int[] dims = new int[2 * r];
            int[] axes = new int[r];
            for (int i = 0; i < r; i++) {
                dims[2 * i] = a[1][i];
                dims[2 * i + 1] = a[0][i];
                axes[i] = 2 * i;
            }
            return List.of(sumOver(call, dims, axes));
        }
    }

    /** {@code _backward_repeat}: with {@code repeat}'s repeats and axis. */
    static final class OfRepeat extends RepeatBackward {
        private static final Repeating.Repeat FORWARD = new Repeating.Repeat();

        OfRepeat() {
            super("_backward_repeat", List.of(Repeating.Repeat.REPEATS, Repeating.Repeat.AXIS), "repeat");
        }

        @Override
        public String doc() {
            return "Sums repeat's output gradient over the repeats.";
        }

        @Override
        Shape forwardShape(Attrs attrs, Shape data, Shape outGrad) {
            return FORWARD.inferShapes(attrs, List.of(data)).get(0);
        }

        /** The output gradient with the repeats on an axis of their own after the repeated one, summed over it. */
        @Override
        public List<NDArray> compute(Invocation call) {
            Shape data = call.input(1).shape();
            int repeats = call.attr(Repeating.Repeat.REPEATS);
            Integer axis = call.attr(Repeating.Repeat.AXIS);
            if (axis == null) {
                return List.of(sumOver(call, new int[] {data.size(), repeats}, new int[] {1}));
            }
            int a = axis(axis, data.rank(), "axis", data);
            return List.of(sumOver(call, data.insert(a + 1, repeats).dims(), new int[] {a + 1}));
        }
    }
}
