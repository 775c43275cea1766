package dev.kiln.op.indexing;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.IntTuple;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;

import java.util.List;

/**
 * MXNet's {@code scatter_nd}: a zero array of shape {@code shape} with the slices of {@code data} written at the
 * positions {@code indices} (shape {@code (M, Y...)}) address; {@code data} must have shape
 * {@code Y... + shape[M:]}. Indices must lie in {@code [0, size)} (MXNet does not check them); where they repeat,
 * the last write wins.
 */
public final class ScatterNdOp extends OpDef {
    public static final AttrSpec<IntTuple> SHAPE = AttrSpec.required("shape", AttrType.TUPLE, "shape of the output");

    public ScatterNdOp() {
        super("scatter_nd", OpFamily.INDEXING, List.of("data", "indices"), List.of(SHAPE));
    }

    @Override
    public String doc() {
        return "scatters slices into a zero array at index tuples";
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> in) {
        return List.of(in.get(0));
    }

    /** The output keeps input 0's dtype; the index input may have any dtype. */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unify(new int[] {0}, new int[] {0});
        slots.forward();
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape data = in.get(0);
        Shape idx = in.get(1);
        int[] dims = attrs.get(SHAPE).toArray();
        for (int d : dims) {
            if (d < 0) {
                throw error("attribute 'shape' = " + attrs.get(SHAPE) + " has a negative dimension");
            }
        }
        Shape out = Shape.of(dims);
        if (idx.rank() < 2) {
            throw error("input 'indices' must have rank >= 2 (M index tuples along axis 0), got shape " + idx);
        }
        if (idx.get(0) > out.rank()) {
            throw error("input 'indices' of shape " + idx + " addresses " + idx.get(0) + " axes but attribute 'shape' "
                    + out + " has only " + out.rank());
        }
        Shape expected = idx.slice(1, idx.rank()).concat(out.slice(idx.get(0), out.rank()));
        if (!data.equals(expected)) {
            throw error("input 'data' has shape " + data + " but 'indices' of shape " + idx + " and shape=" + out
                    + " need " + expected);
        }
        return List.of(out);
    }

    /** The output has the {@code shape} attribute's shape whatever the inputs. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        int[] dims = slots.attrs().get(SHAPE).toArray();
        if (java.util.Arrays.stream(dims).allMatch(d -> d >= 0)) {
            slots.assignOutput(0, Shape.of(dims));
        }
        slots.forward();
    }

    /**
     * The gradient of {@code data} gathers the output gradient at the same tuples, as MXNet does; where tuples
     * repeat, every copy gets it, though only the last write reached the output. The indices get none.
     */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return g.grads(g.apply("gather_nd", g.outGrad(0), g.input(1)), null);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray data = call.input(0);
        NDArray indices = call.input(1);
        Shape os = call.outputShapes().get(0);
        int m = indices.shape().get(0);
        int n = m == 0 ? 0 : indices.size() / m;
        int k = os.sizeOf(m, os.rank());
        int[] offsets = new int[n];
        int[] strides = new int[m];
        for (int j = m - 1, stride = k; j >= 0; stride *= os.get(j), j--) {
            strides[j] = stride;
        }
        for (int j = 0; j < m; j++) {
            int size = os.get(j);
            int stride = strides[j];
            for (int i = 0; i < n; i++) {
                double v = indices.getDouble(j * n + i);
                if (!(v >= 0 && v <= size - 1)) {
                    throw error("input 'indices' holds index " + IndexMode.format(v) + ", out of range [0, "
                            + (size - 1) + "] for axis " + j + " of output shape " + os);
                }
                offsets[i] += stride * (int) v;
            }
        }
        NDArray out = call.newOutput(0);
        if (m == 0) {
            int rows = data.size() / Math.max(1, k);
            if (rows > 0) {
                System.arraycopy(data.data(), (rows - 1) * k, out.data(), 0, k);
            }
            return List.of(out);
        }
        for (int i = 0; i < n; i++) {
            System.arraycopy(data.data(), i * k, out.data(), offsets[i], k);
        }
        return List.of(out);
    }
}
