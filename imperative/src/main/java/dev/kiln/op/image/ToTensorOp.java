package dev.kiln.op.image;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * MXNet's {@code _image_to_tensor}: an image {@code (H, W, C)} or batch {@code (N, H, W, C)} of any numeric dtype
 * becomes float32 {@code (C, H, W)} / {@code (N, C, H, W)} divided by 255. MXNet's gradient for it is a plain copy of
 * the output gradient, which has the wrong shape; the input is pixel data, so Kiln gives it a zero gradient instead.
 */
final class ToTensorOp extends ImageOp {

    ToTensorOp() {
        super("_image_to_tensor", List.of("data"), List.of());
    }

    @Override
    public String doc() {
        return "converts an HWC or NHWC image with values in [0, 255] to a CHW or NCHW float32 tensor in [0, 1]";
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        if (inputTypes.get(0) == DType.BOOL) {
            throw error("data has dtype bool; to_tensor needs numeric pixel values");
        }
        return List.of(DType.FLOAT32);
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape s = in.get(0);
        requireRank34(s, "(H, W, C)");
        return List.of(s.rank() == 3 ? Shape.of(s.get(2), s.get(0), s.get(1))
                : Shape.of(s.get(0), s.get(3), s.get(1), s.get(2)));
    }

    @Override
    public boolean isDifferentiable() {
        return false;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(0);
        int[] d = x.shape().dims();
        int batch = d.length == 4 ? d[0] : 1;
        int pixels = d[d.length - 3] * d[d.length - 2];
        int channels = d[d.length - 1];
        float[] out = new float[x.size()];
        double[] in = x.dtype() == DType.FLOAT64 ? (double[]) x.data() : null;
        float[] values = in == null ? x.toFloatArray() : null;
        Parallel.forRange(batch, 1, (from, to) -> {
            for (int n = from; n < to; n++) {
                int base = n * pixels * channels;
                for (int c = 0; c < channels; c++) {
                    for (int p = 0; p < pixels; p++) {
                        int src = base + p * channels + c;
                        out[base + c * pixels + p] = in != null ? (float) (in[src] / 255.0f) : values[src] / 255.0f;
                    }
                }
            }
        });
        return List.of(call.wrapOutput(0, out));
    }
}
