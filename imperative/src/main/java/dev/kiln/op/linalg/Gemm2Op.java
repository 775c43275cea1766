package dev.kiln.op.linalg;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.TypeSlots;

import java.util.List;
import java.util.Map;

/**
 * MXNet's {@code linalg_gemm2}: {@code out = alpha * op(A) * op(B)} for every matrix of two arrays of equal rank
 * >= 2. The matrix rows lie on {@code axis} (default -2) and the columns on the last axis; every other axis is a batch
 * axis and must match between A and B. The gradient is linalg_gemm2 again, with transpose flags, the same alpha and
 * row axis ({@link ProductGradient}).
 */
final class Gemm2Op extends OpDef {
    static final AttrSpec<Boolean> TRANSPOSE_A = AttrSpec.of("transpose_a", AttrType.BOOL, false,
            "Multiply with transposed of first input (A).");
    static final AttrSpec<Boolean> TRANSPOSE_B = AttrSpec.of("transpose_b", AttrType.BOOL, false,
            "Multiply with transposed of second input (B).");
    static final AttrSpec<Double> ALPHA = AttrSpec.of("alpha", AttrType.FLOAT, 1.0,
            "Scalar factor multiplied with A*B.");
    static final AttrSpec<Integer> AXIS = AttrSpec.of("axis", AttrType.INT, -2,
            "Axis corresponding to the matrix row indices.");

    Gemm2Op() {
        super("linalg_gemm2", OpFamily.LINALG, List.of("A", "B"), List.of(TRANSPOSE_A, TRANSPOSE_B, ALPHA, AXIS),
                "_linalg_gemm2");
    }

    @Override
    public String doc() {
        return "Performs general matrix multiplication: out = alpha * op(A) * op(B).";
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        return MatrixProducts.floatingTypes(this, attrs, inputTypes);
    }

    /** All inputs and the output share one floating dtype; the check runs once every input is known. */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unifyAll();
        slots.forward();
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape a = in.get(0);
        Shape b = in.get(1);
        boolean ta = attrs.get(TRANSPOSE_A);
        boolean tb = attrs.get(TRANSPOSE_B);
        if (a.rank() < 2 || a.rank() != b.rank()) {
            throw error("A and B must have the same rank >= 2, got A " + a + " and B " + b);
        }
        int nd = a.rank();
        int axis = rowAxis(attrs, nd);
        for (int i = 0; i < nd - 1; i++) {
            if (i != axis && a.get(i) != b.get(i)) {
                throw error("A " + a + " and B " + b + " must have the same shape except on the row axis " + axis
                        + " and the last axis");
            }
        }
        int ka = ta ? a.get(axis) : a.get(nd - 1);
        int kb = tb ? b.get(nd - 1) : b.get(axis);
        if (ka != kb) {
            throw error("incompatible matrix dimensions for multiplication: A " + a + " x B " + b + " (transpose_a="
                    + (ta ? "True" : "False") + ", transpose_b=" + (tb ? "True" : "False") + ", axis=" + attrs.get(AXIS)
                    + "): op(A) has " + ka + " columns, op(B) has " + kb + " rows");
        }
        return List.of(a.with(axis, ta ? a.get(nd - 1) : a.get(axis)).with(nd - 1, tb ? b.get(axis) : b.get(nd - 1)));
    }

    private int rowAxis(Attrs attrs, int nd) {
        int axisParam = attrs.get(AXIS);
        int axis = axisParam < 0 ? axisParam + nd : axisParam;
        if (axis < 0 || axis >= nd - 1) {
            throw error("attribute 'axis' " + axisParam + " is not a valid row axis for rank " + nd
                    + " (it must name an axis before the last)");
        }
        return axis;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray a = call.input(0);
        NDArray b = call.input(1);
        boolean ta = call.attr(TRANSPOSE_A);
        boolean tb = call.attr(TRANSPOSE_B);
        Shape out = call.outputShapes().get(0);
        int nd = out.rank();
        int axis = rowAxis(call.attrs(), nd);
        // Matrices sit at (outer, row, middle, col): rows step over the middle axes and the columns.
        int outer = out.sizeOf(0, axis);
        int middle = out.sizeOf(axis + 1, nd - 1);
        int m = out.get(axis);
        int n = out.get(nd - 1);
        int aRows = a.shape().get(axis);
        int aCols = a.shape().get(nd - 1);
        int bRows = b.shape().get(axis);
        int bCols = b.shape().get(nd - 1);
        int k = ta ? aRows : aCols;
        Object c = MatrixProducts.newResult(call.outputTypes().get(0), out.size());
        int count = outer * middle;
        if (out.size() > 0) {
            int[] aOffs = new int[count];
            int[] bOffs = new int[count];
            int[] cOffs = new int[count];
            for (int o = 0; o < outer; o++) {
                for (int q = 0; q < middle; q++) {
                    int i = o * middle + q;
                    aOffs[i] = (o * aRows * middle + q) * aCols;
                    bOffs[i] = (o * bRows * middle + q) * bCols;
                    cOffs[i] = (o * m * middle + q) * n;
                }
            }
            MatrixProducts.gemmBatch(ta, tb, m, n, k, call.attr(ALPHA),
                    MatrixProducts.computeData(a), aOffs, Math.max(1, middle * aCols),
                    MatrixProducts.computeData(b), bOffs, Math.max(1, middle * bCols),
                    0.0, c, cOffs, middle * n);
        }
        return List.of(MatrixProducts.output(call, 0, c));
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        double alpha = g.attr(ALPHA);
        int axis = g.attr(AXIS);
        List<T> d = ProductGradient.of((x, y, tx, ty) -> g.apply(name(), Map.of("transpose_a", tx, "transpose_b", ty,
                "alpha", alpha, "axis", axis), x, y), g.outGrad(0), g.input(0), g.input(1), g.attr(TRANSPOSE_A),
                g.attr(TRANSPOSE_B), g.requiresGrad(0), g.requiresGrad(1));
        return g.grads(d.get(0), d.get(1));
    }
}
