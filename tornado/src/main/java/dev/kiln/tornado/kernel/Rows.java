package dev.kiln.tornado.kernel;

import dev.kiln.ndarray.Shape;

import static dev.kiln.tornado.kernel.Exprs.add;
import static dev.kiln.tornado.kernel.Exprs.c;
import static dev.kiln.tornado.kernel.Exprs.div;
import static dev.kiln.tornado.kernel.Exprs.mul;
import static dev.kiln.tornado.kernel.Exprs.rem;

/**
 * An array read as rows along one axis: {@code outer} blocks of {@code length} elements {@code inner} apart; row
 * {@code r} ({@code r < outer * inner}) holds the elements sharing every coordinate but the axis.
 */
record Rows(int outer, int length, int inner) {

    static Rows along(Shape shape, int axis) {
        int a = shape.normalizeAxis(axis);
        return new Rows(shape.sizeOf(0, a), shape.get(a), shape.sizeOf(a + 1, shape.rank()));
    }

    int count() {
        return outer * inner;
    }

    /** The flat index of row {@code r}'s first element. */
    Exprs.Int base(Exprs.Int r) {
        return add(mul(div(r, c(inner)), c(length * inner)), rem(r, c(inner)));
    }

    /** The flat index of element {@code j} of the row starting at {@code base}. */
    Exprs.Int at(Exprs.Int base, Exprs.Int j) {
        return add(base, mul(j, c(inner)));
    }
}
