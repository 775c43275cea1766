package dev.kiln.op.image;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;
import dev.kiln.random.Generator;
import dev.kiln.random.Random;

import java.util.List;

/**
 * MXNet's {@code _image_flip_left_right} and {@code _image_flip_top_bottom} on an {@code (H, W, C)} image with 1 or 3
 * channels, and their random forms {@code _image_random_*}, which flip with probability one half: each application
 * takes one draw from Kiln's global generator ({@link Random#seed}), so a seed repeats the flips, eager or compiled.
 * MXNet leaves the middle column (row) of an odd width (height) unwritten when the output is not the input; Kiln
 * copies it. The plain flips' gradient is the same flip of the output gradient (MXNet's is an unflipped copy); the
 * random flips do not record which way they went, so backward through them is an error.
 */
final class FlipOp extends ImageOp {
    private final int axis;
    private final boolean random;

    private FlipOp(String name, int axis, boolean random) {
        super(name, List.of("data"), List.of());
        this.axis = axis;
        this.random = random;
    }

    static FlipOp leftRight(boolean random) {
        return new FlipOp(random ? "_image_random_flip_left_right" : "_image_flip_left_right", 1, random);
    }

    static FlipOp topBottom(boolean random) {
        return new FlipOp(random ? "_image_random_flip_top_bottom" : "_image_flip_top_bottom", 0, random);
    }

    @Override
    public String doc() {
        return (random ? "with probability 0.5 flips" : "flips") + " an HWC image "
                + (axis == 1 ? "left to right" : "top to bottom");
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape data = in.get(0);
        if (data.rank() != 3) {
            throw error("data must be an image (H, W, C), got shape " + data);
        }
        requireOneOrThreeChannels(data, 2);
        return List.of(data);
    }

    /** As MXNet: the output takes data's shape, known or partial. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unify(new int[] {0}, new int[] {0});
        slots.forward();
    }

    @Override
    public boolean isRandom(Attrs attrs, boolean training) {
        return random;
    }

    @Override
    public boolean isDifferentiable() {
        return !random;
    }

    @Override
    public boolean hasZeroGradient() {
        return false;
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return g.grads(g.apply(name(), g.outGrad(0)));
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(0);
        boolean flip = !random || Generator.unitDouble(Generator.bits(Random.global().nextKey(), 0)) < 0.5;
        if (!flip) {
            return List.of(x.copy());
        }
        int[] d = x.shape().dims();
        int outer = axis == 0 ? 1 : d[0];
        int mid = d[axis];
        int inner = axis == 0 ? d[1] * d[2] : d[2];
        Object src = x.data();
        NDArray y = call.newOutput(0);
        Object dst = y.data();
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < mid; j++) {
                System.arraycopy(src, (o * mid + j) * inner, dst, (o * mid + mid - 1 - j) * inner, inner);
            }
        }
        return List.of(y);
    }
}
