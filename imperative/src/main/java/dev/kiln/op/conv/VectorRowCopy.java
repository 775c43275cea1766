package dev.kiln.op.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies of short rows (a padded plane's rows, a convolution's output rows) in whole vectors: a row of 14 floats is
 * one vector load and store where {@link System#arraycopy} cost a call each (a tenth of a 16-to-32-channel layer on
 * 14x14). The last vector may write past the row, onto elements the caller writes afterwards; never at or past
 * {@code limit}. Only loaded when the Vector API is available.
 */
final class VectorRowCopy {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorRowCopy() {
    }

    /**
     * Copies {@code src[from, from + length)} to {@code dst[to...]}; elements of {@code dst} from {@code to + length}
     * up to {@code limit} (exclusive) may be overwritten with other values of {@code src}.
     */
    static void copy(float[] src, int from, float[] dst, int to, int length, int limit) {
        int i = 0;
        for (; i + L <= length; i += L) {
            FloatVector.fromArray(S, src, from + i).intoArray(dst, to + i);
        }
        if (i < length) {
            if (to + i + L <= limit && from + i + L <= src.length) {
                FloatVector.fromArray(S, src, from + i).intoArray(dst, to + i);
            } else {
                System.arraycopy(src, from + i, dst, to + i, length - i);
            }
        }
    }
}
