package dev.kiln.examples.customlayer;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;

/**
 * The same normalisation as {@link NormalizationLayer}, written once against {@code F} so it runs eagerly on
 * NDArrays and traced on Symbols (the tutorial's first {@code HybridBlock}).
 */
public class NormalizationHybridLayer extends HybridBlock {
    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return normalize(F, x);
    }

    /** {@code (x - min(x)) / (max(x) - min(x))} on either backend; shared with {@link ScaledNormalizationLayer}. */
    static <T> T normalize(F<T> F, T x) {
        T min = F.min(x);
        return F.broadcastDiv(F.broadcastSub(x, min), F.broadcastSub(F.max(x), min));
    }
}
