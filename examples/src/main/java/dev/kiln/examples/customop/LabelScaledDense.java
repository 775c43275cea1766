package dev.kiln.examples.customop;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterSpec;

import java.util.List;
import java.util.Map;

/**
 * The worked custom operator as a Gluon layer: a {@code weight} (numHidden, inUnits) and a {@code bias}, applied to
 * {@code (data, label)} through the registered {@code Custom} op, so the same code runs eagerly and hybridized.
 * The input width is given rather than deferred, since the operator's shape rule checks complete shapes.
 */
public class LabelScaledDense extends HybridBlock {
    private final int numHidden;
    private final double k;
    final Parameter weight;
    final Parameter bias;

    public LabelScaledDense(int numHidden, int inUnits, double k) {
        super(null, null, "labelscaleddense");
        this.numHidden = numHidden;
        this.k = k;
        LabelScaledFullyConnected.register();
        try (var ignored = nameScope()) {
            this.weight = param("weight", ParameterSpec.of().shape(numHidden, inUnits));
            this.bias = param("bias", ParameterSpec.of().shape(numHidden).init("zeros"));
        }
    }

    @Override
    protected <T> List<T> hybridForward(F<T> F, List<T> in, ParameterValues<T> p) {
        return F.custom(List.of(in.get(0), p.get("weight"), p.get("bias"), in.get(1)),
                LabelScaledFullyConnected.OP_TYPE, Map.of("num_hidden", numHidden, "k", k, "name", "fwd"));
    }
}
