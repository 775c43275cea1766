package dev.kiln.op.nn;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowNorm#sum} with its {@link RowNorm#STRIPES} partial sums in double vector lanes: lane {@code q} of the
 * accumulator for stripes {@code [k L, (k + 1) L)} receives exactly the positions {@code j % STRIPES == k L + q}, in
 * order, with the scalar loop's operations, and the partials are folded in the scalar loop's order, so the sum is
 * bitwise the scalar loop's. For rows whose length is a multiple of the stripe count, on 8 or 4 double lanes (two
 * or four accumulators). Only loaded when the Vector API is available.
 */
final class VectorRowSums {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int L = D.length();
    private static final int S = RowNorm.STRIPES;

    private VectorRowSums() {
    }

    /** Whether {@link #sum} takes rows of length {@code m}. */
    static boolean fits(int m) {
        return m > 0 && m % S == 0 && S == 16 && (L == 8 || L == 4);
    }

    /** {@link RowNorm#sum} of a row that {@link #fits}. */
    static double sum(double[] buf, int m, double mu, boolean square) {
        // one method per kind, each with its own loop and fold: a branch inside the loop, or vectors merged after a
        // branch, are places where C2 may box them
        return square ? squares(buf, m, mu) : plain(buf, m, mu);
    }

    private static double plain(double[] buf, int m, double mu) {
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        DoubleVector a2 = a0;
        DoubleVector a3 = a0;
        for (int j = 0; j < m; j += S) {
            a0 = a0.add(DoubleVector.fromArray(D, buf, j).sub(mu));
            a1 = a1.add(DoubleVector.fromArray(D, buf, j + L).sub(mu));
            if (L == 4) {
                a2 = a2.add(DoubleVector.fromArray(D, buf, j + 2 * L).sub(mu));
                a3 = a3.add(DoubleVector.fromArray(D, buf, j + 3 * L).sub(mu));
            }
        }
        if (L == 8) {
            // stripes q and q + 8, then the scalar fold of the eight lanes
            DoubleVector t = a0.add(a1);
            return ((t.lane(0) + t.lane(4)) + (t.lane(2) + t.lane(6)))
                    + ((t.lane(1) + t.lane(5)) + (t.lane(3) + t.lane(7)));
        }
        // stripes q and q + 8 (accumulators 0 and 2, 1 and 3), then q and q + 4, then the scalar fold
        DoubleVector u = a0.add(a2).add(a1.add(a3));
        return (u.lane(0) + u.lane(2)) + (u.lane(1) + u.lane(3));
    }

    private static double squares(double[] buf, int m, double mu) {
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        DoubleVector a2 = a0;
        DoubleVector a3 = a0;
        for (int j = 0; j < m; j += S) {
            DoubleVector d0 = DoubleVector.fromArray(D, buf, j).sub(mu);
            DoubleVector d1 = DoubleVector.fromArray(D, buf, j + L).sub(mu);
            a0 = d0.fma(d0, a0);
            a1 = d1.fma(d1, a1);
            if (L == 4) {
                DoubleVector d2 = DoubleVector.fromArray(D, buf, j + 2 * L).sub(mu);
                DoubleVector d3 = DoubleVector.fromArray(D, buf, j + 3 * L).sub(mu);
                a2 = d2.fma(d2, a2);
                a3 = d3.fma(d3, a3);
            }
        }
        if (L == 8) {
            DoubleVector t = a0.add(a1);
            return ((t.lane(0) + t.lane(4)) + (t.lane(2) + t.lane(6)))
                    + ((t.lane(1) + t.lane(5)) + (t.lane(3) + t.lane(7)));
        }
        DoubleVector u = a0.add(a2).add(a1.add(a3));
        return (u.lane(0) + u.lane(2)) + (u.lane(1) + u.lane(3));
    }
}
