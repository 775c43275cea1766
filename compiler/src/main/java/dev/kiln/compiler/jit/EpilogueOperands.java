package dev.kiln.compiler.jit;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.Arrays;
import java.util.List;

/**
 * How an epilogue reads its operands over a range of the GEMM or convolution result, and the loop that does it. Value
 * 0 of the epilogue's {@link FusedExpression} is the result itself; every other operand either has the result's shape
 * (read at the same element) or is a vector along one axis of it (a bias: the last axis of a FullyConnected output,
 * the channel axis of a convolution output) read at that axis's index. Ranges without vector operands run the kernel
 * in place on the arrays; with them, the range is cut where the vector index jumps (rows, or channel planes), and each
 * piece runs on small copies whose vector operand is its slice (rows) or its one value repeated (planes), then is
 * copied back. Either way each element goes through the same formulas, so results do not depend on the split.
 *
 * @param dtype  float32 or float64
 * @param vector for each operand (index 0 the result), whether it is a vector along the axis
 * @param count  the length of the axis (the vector operands' size)
 * @param inner  elements per step along the axis (1 for the last axis, the plane size for channels)
 */
record EpilogueOperands(DType dtype, List<Boolean> vector, int count, int inner) {
    EpilogueOperands {
        vector = List.copyOf(vector);
    }

    /**
     * How {@code operand} of a fused node whose result has shape {@code result} is read, vectors along
     * {@code axis}: {@code false} for the result's shape, {@code true} for a vector, {@code null} if neither.
     */
    static Boolean kind(Shape operand, Shape result, int axis) {
        if (operand.equals(result)) {
            return false;
        }
        int offset = result.rank() - operand.rank();
        if (offset < 0 || operand.size() != result.get(axis)) {
            return null;
        }
        for (int d = 0; d < operand.rank(); d++) {
            int r = d + offset;
            if (operand.get(d) != (r == axis ? result.get(axis) : 1)) {
                return null;
            }
        }
        return true;
    }

    private boolean hasVectors() {
        return vector.contains(true);
    }

    /**
     * Runs {@code kernel} over elements {@code [from, to)}: {@code inputs[0]} is the result array, {@code outputs}
     * the epilogue's output arrays (the first may be the result array itself: every element is read before it is
     * written).
     */
    void run(FusedKernel kernel, Object[] inputs, Object[] outputs, int from, int to) {
        if (!hasVectors()) {
            kernel.run(inputs, outputs, from, to);
            return;
        }
        int piece = inner == 1 ? count : inner;
        int longest = Math.min(to - from, piece);
        Object[] in = new Object[inputs.length];
        Object[] out = new Object[outputs.length];
        for (int k = 0; k < in.length; k++) {
            in[k] = newArray(longest);
        }
        for (int k = 0; k < out.length; k++) {
            out[k] = newArray(longest);
        }
        for (int s = from; s < to; ) {
            int e = Math.min(to, (s / piece + 1) * piece);
            int len = e - s;
            for (int k = 0; k < in.length; k++) {
                if (!vector.get(k)) {
                    System.arraycopy(inputs[k], s, in[k], 0, len);
                } else if (inner == 1) {
                    System.arraycopy(inputs[k], s % count, in[k], 0, len);
                } else {
                    repeat(inputs[k], (s / inner) % count, in[k], len);
                }
            }
            kernel.run(in, out, 0, len);
            for (int k = 0; k < out.length; k++) {
                System.arraycopy(out[k], 0, outputs[k], s, len);
            }
            s = e;
        }
    }

    private Object newArray(int n) {
        return dtype == DType.FLOAT64 ? new double[n] : new float[n];
    }

    private static void repeat(Object vector, int index, Object into, int len) {
        if (into instanceof double[] d) {
            Arrays.fill(d, 0, len, ((double[]) vector)[index]);
        } else {
            Arrays.fill((float[]) into, 0, len, ((float[]) vector)[index]);
        }
    }
}
