package dev.kiln.nn.metalhead;

import dev.kiln.op.IntTuple;
import dev.kiln.op.surface.F;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Metalhead's layer factories and functions, in Java: each returns Kiln layers (or a list of them to add to a
 * sequence) with Metalhead's documented semantics.
 */
public final class Layers {
    private Layers() {
    }

    /**
     * Metalhead's {@code dropblock(x, drop_block_prob, block_size, gamma_scale)}, the functional form of
     * {@link DropBlock}, on either backend; active in training mode only.
     */
    public static <T> T dropBlock(F<T> F, T x, double dropBlockProb, int blockSize, double gammaScale) {
        return F.dropBlock(x, DropBlock.attrs(dropBlockProb, blockSize, gammaScale));
    }

    /**
     * Metalhead's {@code linear_scheduler(drop_prob; depth, start_value)}: {@code depth} evenly spaced values from
     * {@code startValue} towards {@code dropProb}, excluding {@code dropProb} itself (the drop rates of successive
     * blocks under the linear scaling rule).
     */
    public static List<Double> linearScheduler(double dropProb, int depth, double startValue) {
        if (depth < 0) {
            throw new IllegalArgumentException("linearScheduler: depth must not be negative, got " + depth);
        }
        List<Double> out = new ArrayList<>(depth);
        for (int i = 0; i < depth; i++) {
            out.add(startValue + (dropProb - startValue) * i / depth);
        }
        return out;
    }

    /** {@link #linearScheduler(double, int, double)} from 0. */
    public static List<Double> linearScheduler(double dropProb, int depth) {
        return linearScheduler(dropProb, depth, 0.0);
    }

    /**
     * {@code (x - mean) / sqrt(var + eps)} over {@code axes} ({@code epsInsideSqrt}, PyTorch's and LayerNormV2's),
     * or {@code (x - mean) / (std + eps)} (Flux's {@code normalise}); population variance.
     */
    static <T> T normalise(F<T> F, T x, IntTuple axes, double eps, boolean epsInsideSqrt) {
        Map<String, Object> over = Map.of("axis", axes, "keepdims", true);
        T centred = F.broadcastSub(x, F.mean(x, over));
        T var = F.mean(F.square(centred), over);
        T denominator = epsInsideSqrt ? F.sqrt(F.plusScalar(var, eps)) : F.plusScalar(F.sqrt(var), eps);
        return F.broadcastDiv(centred, denominator);
    }

    /** A per-channel vector reshaped to broadcast along {@code axis} counted from the end ({@code -3}: NCHW's C). */
    static <T> T alongAxisFromEnd(F<T> F, T vector, int axis) {
        if (axis == -1) {
            return vector;
        }
        int[] dims = new int[-axis];
        java.util.Arrays.fill(dims, 1);
        dims[0] = -1;
        return F.reshape(vector, Map.of("shape", IntTuple.of(dims)));
    }
}
