package dev.kiln.op.linalg;

import java.util.List;

/**
 * The gradients of a matrix product {@code C = op(A) * op(B)} written with the same product and its transpose flags,
 * so no transpose is ever materialised and the result can be differentiated again: for {@code G = dL/dC},
 * {@code dA = G * op(B)^T} (or its transpose when A is transposed) and {@code dB = op(A)^T * G} (likewise).
 */
final class ProductGradient {
    private ProductGradient() {
    }

    /** A matrix product {@code op(x) * op(y)} of the kind being differentiated (dot, batch_dot, linalg_gemm2). */
    @FunctionalInterface
    interface Product<T> {
        T apply(T x, T y, boolean transposeX, boolean transposeY);
    }

    /**
     * {@code [dA, dB]} for {@code C = op(a) * op(b)} with flags {@code ta}, {@code tb}; an entry is null where
     * {@code wantA} or {@code wantB} is false.
     */
    static <T> List<T> of(Product<T> p, T g, T a, T b, boolean ta, boolean tb, boolean wantA, boolean wantB) {
        T da = null;
        T db = null;
        if (wantA) {
            da = ta ? p.apply(b, g, tb, true) : p.apply(g, b, false, !tb);
        }
        if (wantB) {
            db = tb ? p.apply(g, a, true, ta) : p.apply(a, g, !ta, false);
        }
        return java.util.Arrays.asList(da, db);
    }
}
