package dev.kiln.op.indexing;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.TypeSlots;
import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * MXNet's {@code gather_nd}: {@code indices} of shape {@code (M, Y...)} address the first {@code M} axes of
 * {@code data}; the output has shape {@code Y... + data.shape[M:]}. Negative indices count from the end of their
 * axis; anything outside {@code [-size, size-1]} is an error, as in MXNet.
 */
public final class GatherNdOp extends OpDef {

    public GatherNdOp() {
        super("gather_nd", OpFamily.INDEXING, List.of("data", "indices"), List.of(), "_npi_gather_nd",
                "_npx_gather_nd");
    }

    @Override
    public String doc() {
        return "gathers elements or slices addressed by index tuples";
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
        if (idx.rank() < 2) {
            throw error("input 'indices' must have rank >= 2 (M index tuples along axis 0), got shape " + idx);
        }
        if (idx.get(0) > data.rank()) {
            throw error("input 'indices' of shape " + idx + " addresses " + idx.get(0) + " axes but 'data' of shape "
                    + data + " has only " + data.rank());
        }
        return List.of(idx.slice(1, idx.rank()).concat(data.slice(idx.get(0), data.rank())));
    }

    /** The gradient of {@code data} scatter-adds by {@code _backward_gather_nd}; the indices get none. */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return g.grads(g.apply("_backward_gather_nd", g.outGrad(0), g.input(1), g.input(0)), null);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray data = call.input(0);
        NDArray indices = call.input(1);
        Shape ds = data.shape();
        int m = indices.shape().get(0);
        int n = m == 0 ? 0 : indices.size() / m;
        int k = ds.sizeOf(m, ds.rank());
        int[] offsets = offsets(this, indices, ds, k);
        NDArray out = call.newOutput(0);
        if (m == 0) {
            int rows = out.size() / Math.max(1, k);
            for (int i = 0; i < rows; i++) {
                System.arraycopy(data.data(), 0, out.data(), i * k, k);
            }
            return List.of(out);
        }
        Object src = data.data();
        Object dst = out.data();
        Parallel.forRange(n, Math.max(1, (1 << 14) / Math.max(1, k)), (from, to) -> {
            for (int i = from; i < to; i++) {
                System.arraycopy(src, offsets[i], dst, i * k, k);
            }
        });
        return List.of(out);
    }

    /**
     * The flat offset in an array of shape {@code ds} of each index tuple in {@code indices} (shape {@code (M, N...)}),
     * for slices of {@code k} elements; negative indices count from the end, anything else out of range is an error.
     */
    static int[] offsets(OpDef op, NDArray indices, Shape ds, int k) {
        int m = indices.shape().get(0);
        int n = m == 0 ? 0 : indices.size() / m;
        int[] offsets = new int[n];
        int[] strides = new int[m];
        for (int j = m - 1, stride = k; j >= 0; stride *= ds.get(j), j--) {
            strides[j] = stride;
        }
        for (int j = 0; j < m; j++) {
            int size = ds.get(j);
            int stride = strides[j];
            for (int i = 0; i < n; i++) {
                double v = indices.getDouble(j * n + i);
                if (v < -size || v > size - 1 || Double.isNaN(v)) {
                    throw op.error("input 'indices' holds index " + IndexMode.format(v) + ", out of bounds for axis "
                            + j + " of size " + size + " in 'data' of shape " + ds);
                }
                offsets[i] += stride * (int) ((long) (v + size) % size);
            }
        }
        return offsets;
    }
}
