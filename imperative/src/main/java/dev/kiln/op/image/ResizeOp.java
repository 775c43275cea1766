package dev.kiln.op.image;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.IntTuple;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;

import java.util.List;

/**
 * MXNet's {@code _image_resize}: an {@code (H, W, C)} image or {@code (N, H, W, C)} batch resized by OpenCV's rules
 * ({@link CvResize}) to {@code size}, given as {@code (width, height)} or one number: both sides, or with
 * {@code keep_ratio} the short side, the long one scaled by integer arithmetic. Kiln runs {@code interp} 0 (nearest)
 * and 1 (bilinear) on uint8, float32 and float64, the dtypes MXNet's OpenCV build resizes. MXNet's gradient for it is
 * a copy of the output gradient, which has the wrong shape; Kiln gives the (pixel) input a zero gradient instead.
 */
final class ResizeOp extends ImageOp {
    static final AttrSpec<IntTuple> SIZE = AttrSpec.of("size", AttrType.TUPLE, IntTuple.of(),
            "the new size, (width, height) or one number");
    static final AttrSpec<Boolean> KEEP_RATIO = AttrSpec.of("keep_ratio", AttrType.BOOL, false,
            "with one size, resize the short side to it and keep the aspect ratio");
    static final AttrSpec<Integer> INTERP = AttrSpec.of("interp", AttrType.INT, 1,
            "interpolation: 0 nearest, 1 bilinear (OpenCV's codes)");
    private static final List<DType> DTYPES = List.of(DType.UINT8, DType.FLOAT32, DType.FLOAT64);

    ResizeOp() {
        super("_image_resize", List.of("data"), List.of(SIZE, KEEP_RATIO, INTERP));
    }

    @Override
    public String doc() {
        return "resizes an HWC image or NHWC batch with OpenCV's nearest or bilinear interpolation";
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        requireDType(inputTypes.get(0), DTYPES);
        return List.of(inputTypes.get(0));
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape data = in.get(0);
        requireRank34(data, "(H, W, C)");
        int interp = attrs.get(INTERP);
        if (interp != 0 && interp != 1) {
            throw error("interp=" + interp + " is not supported; Kiln resizes with 0 (nearest) or 1 (bilinear)");
        }
        int r = data.rank();
        int[] hw = outputSize(attrs, data.get(r - 3), data.get(r - 2));
        if (data.get(r - 3) == 0 || data.get(r - 2) == 0) {
            throw error("cannot resize data of shape " + data + " with an empty side");
        }
        return List.of(r == 3 ? Shape.of(hw[0], hw[1], data.get(2))
                : Shape.of(data.get(0), hw[0], hw[1], data.get(3)));
    }

    /** The output {@code (height, width)} for an input of {@code h x w}, by MXNet's rule. */
    private int[] outputSize(Attrs attrs, int h, int w) {
        IntTuple size = attrs.get(SIZE);
        if (size.size() != 1 && size.size() != 2) {
            throw error("size=" + size + " must be (width, height) or one number");
        }
        if (size.size() == 2) {
            if (size.get(0) <= 0 || size.get(1) <= 0) {
                throw error("size=" + size + " must be positive");
            }
            return new int[] {size.get(1), size.get(0)};
        }
        int s = size.get(0);
        if (s <= 0) {
            throw error("size=" + size + " must be positive");
        }
        if (!attrs.get(KEEP_RATIO)) {
            return new int[] {s, s};
        }
        return h > w ? new int[] {(int) ((long) h * s / w), s} : new int[] {s, (int) ((long) w * s / h)};
    }

    /**
     * As MXNet: with an unknown batch, or (given a {@code (width, height)} size or no {@code keep_ratio}) unknown
     * height and width, the output shape still follows from {@code size} and the channels.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        boolean fixedSize = slots.attrs().get(SIZE).size() == 2 || !slots.attrs().get(KEEP_RATIO);
        forwardWithFreeAxes(slots, rank -> axis -> (rank == 4 && axis == 0) || (fixedSize && axis < rank - 1));
    }

    @Override
    public boolean isDifferentiable() {
        return false;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(0);
        Shape out = call.outputShapes().get(0);
        int[] d = x.shape().dims();
        int r = d.length;
        NDArray y = call.newOutput(0);
        CvResize.resize(x.data(), y.data(), r == 4 ? d[0] : 1, d[r - 3], d[r - 2], d[r - 1], out.get(r - 3),
                out.get(r - 2), call.attr(INTERP) == 1);
        return List.of(y);
    }
}
