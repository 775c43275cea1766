package dev.kiln.conformance;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;

import static dev.kiln.conformance.CaseSpec.fixed;
import static dev.kiln.conformance.CaseSpec.random;

/**
 * Case table entries for MXNet's image ops, the ones Gluon's vision transforms call. Left out: the random flips (the
 * libraries draw differently; Kiln's tests check both outcomes and the seed), {@code _image_resize} with
 * {@code interp} 2 to 4 (area, cubic, Lanczos: MXNet's OpenCV runs them, Kiln rejects them), and flips of an odd
 * width or height (MXNet 1.9 leaves the middle column or row of a fresh output unwritten).
 */
final class ImageCases {
    private ImageCases() {
    }

    /** An {@code (H, W, C)} image, or a batch of them, of pixel values 0 to 255 in dtype {@code t}. */
    private static NDArray pixels(CaseRandom r, DType t, boolean batch, int h, int w, int c) {
        Shape s = batch ? Shape.of(r.intIn(1, 2), h, w, c) : Shape.of(h, w, c);
        return r.array(s, t, 0, 255);
    }

    static List<CaseSpec> specs() {
        List<CaseSpec> specs = new ArrayList<>();
        specs.add(random("_image_to_tensor", 6, r -> OpCase.of("_image_to_tensor", pixels(r,
                r.pick(DType.UINT8, DType.UINT8, DType.FLOAT32, DType.FLOAT64), r.bool(), r.intIn(1, 4),
                r.intIn(1, 4), r.pick(1, 3)))));
        specs.add(fixed("_image_to_tensor of a matrix", OpCase.of("_image_to_tensor", NDArray.zeros(4, 3))
                .expectRejected()));
        specs.add(random("_image_normalize", 8, r -> {
            int c = r.pick(1, 3);
            Shape s = r.bool() ? Shape.of(c, r.intIn(1, 3), r.intIn(1, 3))
                    : Shape.of(r.intIn(1, 2), c, r.intIn(1, 3), r.intIn(1, 3));
            DType t = r.pick(DType.FLOAT32, DType.FLOAT32, DType.FLOAT64);
            boolean perChannel = c == 3 && r.bool();
            return OpCase.of("_image_normalize", r.array(s, t, 0, 1))
                    .attr("mean", perChannel ? "(0.485, 0.456, 0.406)" : "(0.5,)")
                    .attr("std", c == 3 && r.bool() ? "(0.229, 0.224, 0.225)" : "(0.25,)");
        }));
        specs.add(fixed("_image_normalize with the default four-element mean", OpCase.of("_image_normalize",
                NDArray.zeros(3, 2, 2)).expectRejected()));
        specs.add(fixed("_image_normalize with 2 channels", OpCase.of("_image_normalize", NDArray.zeros(2, 2, 2))
                .attr("mean", "(0.5,)").attr("std", "(0.5,)").expectRejected()));
        specs.add(random("_image_resize bilinear", 12, r -> {
            DType t = r.pick(DType.FLOAT32, DType.FLOAT64, DType.UINT8);
            OpCase c = OpCase.of("_image_resize", pixels(r, t, r.bool(), r.intIn(1, 6), r.intIn(1, 6),
                    r.pick(1, 3)));
            return r.bool() ? c.attr("size", OpCase.tuple(r.intIn(1, 8), r.intIn(1, 8)))
                    : c.attr("size", r.intIn(1, 7)).attr("keep_ratio", r.bool());
        }));
        specs.add(random("_image_resize bilinear uint8", 10, r -> OpCase.of("_image_resize", pixels(r, DType.UINT8,
                r.bool(), r.intIn(1, 12), r.intIn(1, 12), r.pick(1, 3)))
                .attr("size", OpCase.tuple(r.intIn(1, 20), r.intIn(1, 12)))));
        specs.add(random("_image_resize nearest", 6, r -> OpCase.of("_image_resize", pixels(r,
                r.pick(DType.FLOAT32, DType.UINT8), r.bool(), r.intIn(1, 6), r.intIn(1, 6), r.pick(1, 3)))
                .attr("size", OpCase.tuple(r.intIn(1, 8), r.intIn(1, 8))).attr("interp", 0)));
        specs.add(fixed("_image_resize to halves", OpCase.of("_image_resize", new CaseRandom(7).array(
                Shape.of(4, 6, 3), DType.UINT8, 0, 255)).attr("size", "(3, 2)")));
        specs.add(fixed("_image_resize of a matrix", OpCase.of("_image_resize", NDArray.zeros(4, 3))
                .attr("size", "(2, 2)").expectRejected()));
        specs.add(random("_image_crop", 6, r -> {
            int h = r.intIn(1, 5);
            int w = r.intIn(1, 5);
            int height = r.intIn(1, h);
            int width = r.intIn(1, w);
            return OpCase.of("_image_crop", pixels(r, r.pick(DType.UINT8, DType.FLOAT32), r.bool(), h, w,
                    r.pick(1, 3))).attr("x", r.intIn(0, w - width)).attr("y", r.intIn(0, h - height))
                    .attr("width", width).attr("height", height);
        }));
        specs.add(fixed("_image_crop past the edge", OpCase.of("_image_crop", NDArray.zeros(3, 3, 3)).attr("x", 2)
                .attr("y", 0).attr("width", 2).attr("height", 2).expectRejected()));
        for (String flip : List.of("_image_flip_left_right", "_image_flip_top_bottom")) {
            specs.add(random(flip, 4, r -> OpCase.of(flip, pixels(r, r.pick(DType.UINT8, DType.FLOAT32), false,
                    2 * r.intIn(1, 3), 2 * r.intIn(1, 3), r.pick(1, 3)))));
        }
        specs.add(fixed("_image_flip_left_right of 2 channels", OpCase.of("_image_flip_left_right",
                NDArray.zeros(2, 2, 2)).expectRejected()));
        return specs;
    }
}
