package dev.kiln.tornado.kernel;

import dev.kiln.ndarray.Shape;

/** Index arithmetic of NumPy broadcasting: where an element of the output reads an input aligned at the right. */
final class Broadcast {
    private Broadcast() {
    }

    /**
     * The flat index into an input of shape {@code in} read by the output element at flat index {@code i} of shape
     * {@code out} ({@code in} broadcasts to {@code out}, dims aligned at the right, size-1 dims repeated).
     */
    static Exprs.Int index(Exprs.Int i, Shape out, Shape in) {
        if (in.size() == out.size()) {
            return i;
        }
        int r = out.rank();
        int q = in.rank();
        int[] outStrides = out.strides();
        int[] inStrides = in.strides();
        Exprs.Int e = Exprs.c(0);
        for (int d = 0; d < r; d++) {
            int id = d - (r - q);
            if (id < 0 || in.get(id) == 1) {
                continue;
            }
            Exprs.Int coord = Exprs.div(i, Exprs.c(outStrides[d]));
            if (d > 0) {
                coord = Exprs.rem(coord, Exprs.c(out.get(d)));
            }
            e = Exprs.add(e, Exprs.mul(coord, Exprs.c(inStrides[id])));
        }
        return e;
    }
}
