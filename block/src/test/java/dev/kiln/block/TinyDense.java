package dev.kiln.block;

import dev.kiln.op.surface.F;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterDict;
import dev.kiln.parameter.ParameterSpec;

import java.util.Map;

/** A minimal dense layer for testing the block machinery: weight (units, inUnits) deferred when inUnits is 0. */
class TinyDense extends HybridBlock {
    final int units;
    final Parameter weight;
    final Parameter bias;

    TinyDense(int units, int inUnits) {
        this(units, inUnits, null, null);
    }

    TinyDense(int units, int inUnits, String prefix, ParameterDict params) {
        super(prefix, params, "dense");
        this.units = units;
        this.weight = param("weight", ParameterSpec.of().shape(units, inUnits).allowDeferredInit(true));
        this.bias = param("bias", ParameterSpec.of().shape(units).init("zeros").allowDeferredInit(true));
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.fullyConnected(x, p.get("weight"), p.get("bias"), units, Map.of("name", "fwd"));
    }
}
