package dev.kiln.compiler.jit;

import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the inputs of a fused group that broadcasts map onto its output. The output is walked in its natural order as
 * rows of {@code inner} elements, {@code inner} being the output's trailing dims merged as far as every input keeps
 * the same broadcast pattern over them (dims of size 1 dropped, adjacent dims with equal patterns merged). Each input
 * is read as an {@link FusedExpression.Access}: at the output's own index, at its row's offset plus the column, or as
 * one value per row. {@code offsets[k]} holds input {@code k}'s offset per row (null for element inputs).
 *
 * @param inner   elements per row (at least 1 unless the output is empty)
 * @param rows    number of rows
 * @param offsets per input, the offset of each row's first element in that input, or null
 */
record BroadcastLayout(int inner, int rows, int[][] offsets) {

    /** The access of each input of shape {@code inputs.get(k)} broadcast to {@code out}. */
    static List<FusedExpression.Access> accesses(List<Shape> inputs, Shape out) {
        return of(inputs, out, false).accesses;
    }

    /** The layout of inputs of these shapes broadcast to {@code out}, with the row offsets of each input. */
    static BroadcastLayout of(List<Shape> inputs, Shape out) {
        return of(inputs, out, true).layout;
    }

    private record Collapsed(List<FusedExpression.Access> accesses, BroadcastLayout layout) {
    }

    private static Collapsed of(List<Shape> inputs, Shape out, boolean withOffsets) {
        int r = out.rank();
        int n = inputs.size();
        List<Integer> dims = new ArrayList<>();
        List<boolean[]> full = new ArrayList<>();
        for (int d = 0; d < r; d++) {
            if (out.get(d) == 1) {
                continue;
            }
            boolean[] f = new boolean[n];
            for (int k = 0; k < n; k++) {
                Shape s = inputs.get(k);
                int pad = r - s.rank();
                f[k] = d >= pad && s.get(d - pad) == out.get(d);
            }
            if (!dims.isEmpty() && Arrays.equals(full.getLast(), f)) {
                dims.set(dims.size() - 1, dims.getLast() * out.get(d));
            } else {
                dims.add(out.get(d));
                full.add(f);
            }
        }
        int q = dims.size();
        int inner = q == 0 ? 1 : dims.getLast();
        int size = out.size();
        int rows = inner == 0 ? 0 : size / inner;
        List<FusedExpression.Access> accesses = new ArrayList<>(n);
        int[][] offsets = new int[n][];
        for (int k = 0; k < n; k++) {
            FusedExpression.Access a = inputs.get(k).size() == size ? FusedExpression.Access.ELEMENT
                    : full.get(q - 1)[k] ? FusedExpression.Access.ROW : FusedExpression.Access.ROW_SCALAR;
            accesses.add(a);
            if (withOffsets && a != FusedExpression.Access.ELEMENT) {
                offsets[k] = rowOffsets(dims, full, k, rows);
            }
        }
        return new Collapsed(accesses, new BroadcastLayout(inner, rows, offsets));
    }

    /** Input {@code k}'s offset of each output row: the row's outer index dotted with the input's strides. */
    private static int[] rowOffsets(List<Integer> dims, List<boolean[]> full, int k, int rows) {
        int q = dims.size();
        int[] stride = new int[q];
        int s = 1;
        for (int d = q - 1; d >= 0; d--) {
            stride[d] = full.get(d)[k] ? s : 0;
            s *= full.get(d)[k] ? dims.get(d) : 1;
        }
        int[] offsets = new int[rows];
        int[] index = new int[Math.max(0, q - 1)];
        int offset = 0;
        for (int row = 0; row < rows; row++) {
            offsets[row] = offset;
            for (int d = q - 2; d >= 0; d--) {
                index[d]++;
                offset += stride[d];
                if (index[d] < dims.get(d)) {
                    break;
                }
                offset -= stride[d] * index[d];
                index[d] = 0;
            }
        }
        return offsets;
    }
}
