package dev.kiln.op.indexing;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;

import java.util.List;

/**
 * {@code _backward_Embedding(ograd, data)}: the gradient of {@code Embedding} with respect to its weight, shape
 * {@code (input_dim, output_dim)}: row {@code i} of {@code ograd} is added into the weight row {@code data[i]}
 * (clipped to {@code [0, input_dim)} as the forward op does), so repeated indices accumulate. The gradient is dense
 * whatever {@code sparse_grad} says.
 */
final class EmbeddingBackwardOp extends ScatterAddOp {

    EmbeddingBackwardOp() {
        super(new EmbeddingOp(), List.of("ograd", "data"), List.of(EmbeddingOp.INPUT_DIM, EmbeddingOp.OUTPUT_DIM,
                EmbeddingOp.DTYPE, EmbeddingOp.SPARSE_GRAD));
    }

    @Override
    protected Shape resultShape(Attrs attrs, List<Shape> in) {
        return Shape.of(attrs.get(EmbeddingOp.INPUT_DIM), attrs.get(EmbeddingOp.OUTPUT_DIM));
    }

    @Override
    protected List<Shape> forwardInputs(Attrs attrs, List<Shape> in, Shape result) {
        return List.of(in.get(1), result);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray ograd = call.input(0);
        Shape weight = call.outputShapes().get(0);
        int dim = weight.get(1);
        int[] idx = IndexMode.CLIP.resolveAll(this, "data", call.input(1), weight.get(0), 0, weight);
        NDArray out = call.newOutput(0);
        for (int i = 0; i < idx.length; i++) {
            add(out.dtype(), ograd.data(), i * dim, out.data(), idx[i] * dim, dim);
        }
        return List.of(out);
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return g.grads(g.apply("Embedding", g.attrs().values(), g.input(1), g.outGrad(0)), null);
    }
}
