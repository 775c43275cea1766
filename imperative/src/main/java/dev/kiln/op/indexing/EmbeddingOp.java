package dev.kiln.op.indexing;

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
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;
import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * MXNet's {@code Embedding}: row {@code data[i]} of {@code weight} (shape {@code (input_dim, output_dim)}) for every
 * index, giving shape {@code data.shape + (output_dim,)}. Out-of-range indices are clipped to {@code [0, input_dim)}
 * as MXNet's CPU kernel does. The output takes the weight's dtype; {@code dtype} names the dtype a weight is created
 * with, and {@code sparse_grad} is kept for the gradient.
 */
public final class EmbeddingOp extends OpDef {
    public static final AttrSpec<Integer> INPUT_DIM = AttrSpec.required("input_dim", AttrType.INT,
            "vocabulary size (rows of weight)");
    public static final AttrSpec<Integer> OUTPUT_DIM = AttrSpec.required("output_dim", AttrType.INT,
            "embedding size (columns of weight)");
    public static final AttrSpec<DType> DTYPE = AttrSpec.of("dtype", AttrType.DTYPE, DType.FLOAT32,
            "dtype of the weight");
    public static final AttrSpec<Boolean> SPARSE_GRAD = AttrSpec.of("sparse_grad", AttrType.BOOL, false,
            "compute a row-sparse gradient for weight");

    public EmbeddingOp() {
        super("Embedding", OpFamily.INDEXING, List.of("data", "weight"),
                List.of(INPUT_DIM, OUTPUT_DIM, DTYPE, SPARSE_GRAD), "_npx_embedding");
    }

    @Override
    public String doc() {
        return "maps integer indices to rows of an embedding matrix";
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> in) {
        if (attrs.get(DTYPE) == DType.BOOL) {
            throw error("attribute 'dtype' = bool is not supported; use a numeric dtype");
        }
        return List.of(in.get(1));
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        int inputDim = attrs.get(INPUT_DIM);
        int outputDim = attrs.get(OUTPUT_DIM);
        if (inputDim < 1 || outputDim < 1) {
            throw error("attributes 'input_dim' = " + inputDim + " and 'output_dim' = " + outputDim
                    + " must both be >= 1");
        }
        Shape expected = Shape.of(inputDim, outputDim);
        if (!in.get(1).equals(expected)) {
            throw error("input 'weight' has shape " + in.get(1) + " but input_dim=" + inputDim + ", output_dim="
                    + outputDim + " need " + expected);
        }
        return List.of(in.get(0).concat(Shape.of(outputDim)));
    }

    /**
     * The weight is (input_dim, output_dim) from the attributes alone, as MXNet assigns it; the output is the data's
     * shape plus output_dim, and gives the data's shape back.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        int inputDim = slots.attrs().get(INPUT_DIM);
        int outputDim = slots.attrs().get(OUTPUT_DIM);
        if (inputDim >= 1 && outputDim >= 1) {
            slots.assignInput(1, Shape.of(inputDim, outputDim));
            Shape out = slots.output(0);
            if (ShapeSlots.isRankKnown(out) && out.rank() >= 1) {
                slots.learnInput(0, out.slice(0, out.rank() - 1));
            }
            Shape data = slots.input(0);
            if (ShapeSlots.isRankKnown(data)) {
                slots.assignOutput(0, data.concat(Shape.of(outputDim)));
            }
        }
        slots.forward();
    }

    /**
     * The indices may have any dtype; weight and output share one, which is {@code dtype} when neither is known once
     * the indices are (MXNet's rule, so a weight created later gets the attribute's dtype).
     */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        if (slots.unify(new int[] {1}, new int[] {0}) == null && slots.input(0) != null) {
            slots.assignInput(1, slots.attrs().get(DTYPE));
            slots.unify(new int[] {1}, new int[] {0});
        }
        slots.forward();
    }

    /** No gradient for the indices; the weight's is the scatter-add of {@code _backward_Embedding}. */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return g.grads(null, g.requiresGrad(1)
                ? g.apply("_backward_Embedding", g.attrs().values(), g.outGrad(0), g.input(0)) : null);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray data = call.input(0);
        NDArray weight = call.input(1);
        int rows = weight.shape().get(0);
        int dim = weight.shape().get(1);
        int[] idx = IndexMode.CLIP.resolveAll(this, "data", data, rows, 0, weight.shape());
        NDArray out = call.newOutput(0);
        Object src = weight.data();
        Object dst = out.data();
        Parallel.forRange(idx.length, Math.max(1, (1 << 14) / dim), (from, to) -> {
            for (int i = from; i < to; i++) {
                System.arraycopy(src, idx[i] * dim, dst, i * dim, dim);
            }
        });
        return List.of(out);
    }
}
