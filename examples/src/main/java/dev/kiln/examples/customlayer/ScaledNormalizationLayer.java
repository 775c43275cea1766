package dev.kiln.examples.customlayer;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.init.Constant;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterSpec;

import java.util.Map;

/**
 * The tutorial's layer with parameters: normalise the input, multiply by a trainable {@code weights} matrix of shape
 * {@code (hiddenUnits, 0)} (its input width deferred to the first forward), then scale by {@code scales}, a
 * non-differentiable parameter initialised from a given array. Gluon names it {@code normalizationhybridlayer}, so
 * its parameters read {@code ..._normalizationhybridlayer0_weights}.
 */
public class ScaledNormalizationLayer extends HybridBlock {
    private final int hiddenUnits;
    final Parameter weights;
    final Parameter scales;

    public ScaledNormalizationLayer(int hiddenUnits, NDArray scales) {
        super(null, null, "normalizationhybridlayer");
        this.hiddenUnits = hiddenUnits;
        try (var ignored = nameScope()) {
            this.weights = param("weights", ParameterSpec.of().shape(hiddenUnits, 0).allowDeferredInit(true));
            this.scales = param("scales", ParameterSpec.of().shape(scales.shape()).init(new Constant(scales))
                    .differentiable(false));
        }
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        T normalized = NormalizationHybridLayer.normalize(F, x);
        T weighted = F.fullyConnected(normalized, p.get("weights"), null, hiddenUnits, Map.of("no_bias", true));
        return F.broadcastMul(p.get("scales"), weighted);
    }
}
