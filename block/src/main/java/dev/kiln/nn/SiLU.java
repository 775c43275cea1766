package dev.kiln.nn;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterDict;

import java.util.Map;

/**
 * The sigmoid linear unit {@code x * sigmoid(x)}, i.e. {@link Swish} with beta 1 without the scaling op. Kiln's own:
 * MXNet 1.x has no SiLU (Gluon 2.0 does); named {@code silu0_}, and the sigmoid node is {@code fwd}.
 */
public class SiLU extends HybridBlock {

    public SiLU() {
        this(null, null);
    }

    public SiLU(String prefix, ParameterDict params) {
        super(prefix, params, "silu");
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.elemwiseMul(x, F.sigmoid(x, Map.of("name", "fwd")));
    }
}
