package dev.kiln.op.image;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;

import java.util.List;
import java.util.Map;

/**
 * MXNet's {@code _image_crop}: the {@code width x height} window at column {@code x}, row {@code y} of an
 * {@code (H, W, C)} image or every image of an {@code (N, H, W, C)} batch, 1 or 3 channels, any dtype. Its gradient is
 * {@code _backward_image_crop(ograd, data)}, the output gradient placed back in the window of zeros shaped like
 * {@code data} (MXNet's gradient op reads data's shape from the forward node; Kiln passes data instead).
 */
final class CropOp extends ImageOp {
    static final AttrSpec<Integer> X = AttrSpec.required("x", AttrType.INT, "left boundary of the cropping area");
    static final AttrSpec<Integer> Y = AttrSpec.required("y", AttrType.INT, "top boundary of the cropping area");
    static final AttrSpec<Integer> WIDTH = AttrSpec.required("width", AttrType.INT, "width of the cropping area");
    static final AttrSpec<Integer> HEIGHT = AttrSpec.required("height", AttrType.INT,
            "height of the cropping area");
    private final boolean backward;

    private CropOp(boolean backward) {
        super(backward ? "_backward_image_crop" : "_image_crop",
                backward ? List.of("ograd", "data") : List.of("data"), List.of(X, Y, WIDTH, HEIGHT), backward);
        this.backward = backward;
    }

    static CropOp forward() {
        return new CropOp(false);
    }

    static CropOp gradientOp() {
        return new CropOp(true);
    }

    @Override
    public String doc() {
        return backward ? "the gradient of _image_crop: the output gradient placed in a zero array shaped like data"
                : "crops an HWC image or NHWC batch to a width x height window at (x, y)";
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape data = in.get(in.size() - 1);
        requireRank34(data, "(H, W, C)");
        requireOneOrThreeChannels(data, data.rank() - 1);
        Shape out = window(attrs, data);
        if (backward) {
            if (!in.get(0).equals(out)) {
                throw error("ograd " + in.get(0) + " must have the crop's shape " + out + " for data " + data);
            }
            return List.of(data);
        }
        return List.of(out);
    }

    private Shape window(Attrs attrs, Shape data) {
        int x = attrs.get(X);
        int y = attrs.get(Y);
        int w = attrs.get(WIDTH);
        int h = attrs.get(HEIGHT);
        int r = data.rank();
        if (w <= 0 || h <= 0 || x < 0 || y < 0) {
            throw error("width=" + w + " and height=" + h + " must be positive and x=" + x + ", y=" + y
                    + " not negative, for data of shape " + data);
        }
        if (x + w > data.get(r - 2) || y + h > data.get(r - 3)) {
            throw error("the window x=" + x + ", y=" + y + ", width=" + w + ", height=" + h
                    + " does not fit in data of shape " + data);
        }
        return r == 3 ? Shape.of(h, w, data.get(2)) : Shape.of(data.get(0), h, w, data.get(3));
    }

    /** The gradient op's output has data's shape; the crop's follows from the window with an unknown batch. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        if (backward) {
            slots.unify(new int[] {1}, new int[] {0});
            slots.forward();
        } else {
            forwardWithFreeAxes(slots, rank -> axis -> rank == 4 && axis == 0);
        }
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        Map<String, Object> attrs = Map.of("x", g.attr(X), "y", g.attr(Y), "width", g.attr(WIDTH),
                "height", g.attr(HEIGHT));
        if (backward) {
            return g.grads(g.apply("_image_crop", attrs, g.outGrad(0)), null);
        }
        return g.grads(g.apply("_backward_image_crop", attrs, g.outGrad(0), g.input(0)));
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray data = call.input(call.inputs().size() - 1);
        int[] d = data.shape().dims();
        int r = d.length;
        int images = r == 4 ? d[0] : 1;
        int rows = d[r - 3];
        int cols = d[r - 2];
        int channels = d[r - 1];
        int x = call.attr(X);
        int y = call.attr(Y);
        int w = call.attr(WIDTH);
        int h = call.attr(HEIGHT);
        // the gradient's output must start at zero, which a planned buffer need not
        NDArray out = backward ? NDArray.zeros(call.outputShapes().get(0), call.outputTypes().get(0), call.device())
                : call.newOutput(0);
        Object big = backward ? out.data() : data.data();
        Object small = backward ? call.input(0).data() : out.data();
        for (int n = 0; n < images; n++) {
            for (int row = 0; row < h; row++) {
                int bigAt = ((n * rows + y + row) * cols + x) * channels;
                int smallAt = (n * h + row) * w * channels;
                if (backward) {
                    System.arraycopy(small, smallAt, big, bigAt, w * channels);
                } else {
                    System.arraycopy(big, bigAt, small, smallAt, w * channels);
                }
            }
        }
        return List.of(out);
    }
}
