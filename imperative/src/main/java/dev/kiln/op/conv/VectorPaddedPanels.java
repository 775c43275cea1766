package dev.kiln.op.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector part of {@link PaddedPanels}: each vector of a panel row is one unmasked load of a padded plane, stored
 * whole. Only loaded when the Vector API is available.
 */
final class VectorPaddedPanels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorPaddedPanels() {
    }

    /**
     * Fills the first {@code slots} vectors (at most four) of the panel rows {@code [p0, p0 + kc)} starting at column
     * {@code j} (a whole number of vectors), row {@code p} at {@code dst[d + p * nr]}; returns {@code slots}.
     */
    static int fill(PaddedPanels pp, int p0, int kc, int j, int slots, float[] dst, int d, int nr) {
        PaddedPanels.Geometry geo = pp.geometry();
        int grid = geo.grid();
        int[] rows = pp.rowOffsets();
        float[] xp = pp.xp();
        int done = Math.min(4, slots);
        // where each vector reads for tap (0, 0) of channel 0; a vector never straddles two grid rows
        int a0 = at(pp, geo, grid, j);
        int a1 = done > 1 ? at(pp, geo, grid, j + L) : a0;
        int a2 = done > 2 ? at(pp, geo, grid, j + 2 * L) : a0;
        int a3 = done > 3 ? at(pp, geo, grid, j + 3 * L) : a0;
        if (done == 4) {
            for (int p = 0, row = d; p < kc; p++, row += nr) {
                int off = rows[p0 + p];
                FloatVector.fromArray(S, xp, a0 + off).intoArray(dst, row);
                FloatVector.fromArray(S, xp, a1 + off).intoArray(dst, row + L);
                FloatVector.fromArray(S, xp, a2 + off).intoArray(dst, row + 2 * L);
                FloatVector.fromArray(S, xp, a3 + off).intoArray(dst, row + 3 * L);
            }
            return done;
        }
        for (int p = 0, row = d; p < kc; p++, row += nr) {
            int off = rows[p0 + p];
            FloatVector.fromArray(S, xp, a0 + off).intoArray(dst, row);
            if (done > 1) {
                FloatVector.fromArray(S, xp, a1 + off).intoArray(dst, row + L);
            }
            if (done > 2) {
                FloatVector.fromArray(S, xp, a2 + off).intoArray(dst, row + 2 * L);
            }
        }
        return done;
    }

    private static int at(PaddedPanels pp, PaddedPanels.Geometry geo, int grid, int j) {
        int img = j / grid;
        return pp.xOff() + geo.positionOffset(img, j - img * grid, pp.imageStride());
    }
}
