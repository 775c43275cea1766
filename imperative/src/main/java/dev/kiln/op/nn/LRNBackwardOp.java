package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;

import java.util.List;

/**
 * {@code _backward_LRN(out_grad, data)}: with {@code s_k = knorm + alpha/n * sum of x^2 over k's window},
 * {@code dx_i = g_i * s_i^-beta - 2 * beta * alpha/n * x_i * sum over the windows holding i of g_k * x_k *
 * s_k^(-beta-1)}. Windows are symmetric, so the windows holding channel i are the ones centred in i's window.
 */
final class LRNBackwardOp extends NNBackwardOp {

    LRNBackwardOp() {
        super("_backward_LRN", List.of("out_grad", "data"),
                List.of(LRNOp.ALPHA, LRNOp.BETA, LRNOp.KNORM, LRNOp.NSIZE));
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        return List.of(inputTypes.get(1));
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        return List.of(inputShapes.get(1));
    }

    /** out_grad, data and the data gradient share one shape. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unifyAll();
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        int nsize = call.attr(LRNOp.NSIZE);
        int half = nsize / 2;
        double salpha = (float) ((float) (double) call.attr(LRNOp.ALPHA) / nsize);
        double beta = asFloat(call.attr(LRNOp.BETA));
        return List.of(LRNOp.forEachRow(call, call.input(0), (x, scale, og, dx) -> {
            int c = x.length;
            double[] t = new double[c];
            for (int k = 0; k < c; k++) {
                t[k] = og[k] * x[k] * Math.pow(scale[k], -beta - 1);
            }
            for (int i = 0; i < c; i++) {
                double sum = 0;
                int end = Math.min(c, i + half + 1);
                for (int k = Math.max(0, i - half); k < end; k++) {
                    sum += t[k];
                }
                dx[i] = og[i] * Math.pow(scale[i], -beta) - 2 * beta * salpha * x[i] * sum;
            }
        }));
    }
}
