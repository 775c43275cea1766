package dev.kiln.op.conv;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;

import java.util.List;
import java.util.Map;

/**
 * {@code _backward_contrib_BilinearResize2D(ograd, data)}: the gradient of the resized data, each output gradient
 * split over its four source pixels with the forward's weights (the transpose of the resize). The output size is
 * read from {@code ograd}, so every mode, {@code like} included, needs only the data besides it.
 */
final class BilinearResize2DBackwardOp extends SpatialBackwardOp {

    BilinearResize2DBackwardOp(BilinearResize2DOp forward) {
        super(forward, List.of("ograd", "data"));
    }

    @Override
    public boolean isDifferentiable() {
        return true;
    }

    /** Linear in {@code ograd}: its gradient is the head gradient resized like {@code ograd}; data gets none. */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        Map<String, Object> attrs = Map.of("mode", "like",
                "align_corners", g.attr(BilinearResize2DOp.ALIGN_CORNERS));
        return g.grads(g.apply(forward().name(), attrs, g.outGrad(0), g.input(0)), null);
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape g = in.get(0);
        Shape data = in.get(1);
        if (g.isKnown() && data.isKnown() && (g.rank() != 4 || data.rank() != 4 || g.get(0) != data.get(0)
                || g.get(1) != data.get(1))) {
            throw error("ograd " + g + " and data " + data + " must be 4-D with the same batch and channels");
        }
        return List.of(data);
    }

    /** The gradient has the data's shape. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unify(new int[] {1}, new int[] {0});
        slots.forward();
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray dy = FloatingKernels.widen(call.input(0));
        Shape data = call.input(1).shape();
        int[] d = data.dims();
        Object dx = resizeBackward(dy.data(), d[0] * d[1], d[2], d[3], dy.shape().get(2), dy.shape().get(3),
                call.attr(BilinearResize2DOp.ALIGN_CORNERS));
        NDArray out = NDArray.wrap(data, dy.dtype(), call.device(), dx);
        return List.of(FloatingKernels.narrow(out, call.outputTypes().get(0)));
    }

    private static Object resizeBackward(Object dy, int planes, int h, int w, int oh, int ow, boolean alignCorners) {
        int inPlane = h * w;
        Object dx = dy instanceof double[] ? new double[planes * inPlane] : new float[planes * inPlane];
        if (inPlane == 0) {
            return dx;
        }
        BilinearResize2DOp.forEachRow(planes, h, w, oh, ow, alignCorners, (ax, rowTop, rowStep, o, far) -> {
            if (dy instanceof float[] gs) {
                float[] xs = (float[]) dx;
                float l1 = far;
                float l0 = 1f - l1;
                for (int ox = 0; ox < ow; ox++) {
                    int p = rowTop + ax.index()[ox];
                    int s = ax.step()[ox];
                    float c1 = ax.far()[ox];
                    float c0 = 1f - c1;
                    float g = gs[o + ox];
                    xs[p] += l0 * c0 * g;
                    xs[p + s] += l0 * c1 * g;
                    xs[p + rowStep] += l1 * c0 * g;
                    xs[p + rowStep + s] += l1 * c1 * g;
                }
            } else {
                double[] gs = (double[]) dy;
                double[] xs = (double[]) dx;
                double l1 = far;
                double l0 = 1.0 - l1;
                for (int ox = 0; ox < ow; ox++) {
                    int p = rowTop + ax.index()[ox];
                    int s = ax.step()[ox];
                    double c1 = ax.far()[ox];
                    double c0 = 1.0 - c1;
                    double g = gs[o + ox];
                    xs[p] += l0 * c0 * g;
                    xs[p + s] += l0 * c1 * g;
                    xs[p + rowStep] += l1 * c0 * g;
                    xs[p + rowStep + s] += l1 * c1 * g;
                }
            }
        });
        return dx;
    }
}
