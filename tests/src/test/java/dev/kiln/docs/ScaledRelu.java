package dev.kiln.docs;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.nn.Dense;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterSpec;

import java.util.Map;

/**
 * The block docs/WALKTHROUGH.md follows: a dense layer, a learned per-unit shift, relu and a scale, written with two
 * slips the compiler's passes clean up (a value computed and never used, and relu computed twice).
 */
public class ScaledRelu extends HybridBlock {
    private final Dense dense;

    public ScaledRelu(int units) {
        super(null, null, "scaledrelu");
        try (var ignored = nameScope()) {
            dense = registerChild(new Dense(units), "dense");
            param("shift", ParameterSpec.of().shape(units).init("zeros"));
        }
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        T h = F.broadcastAdd(dense.call(F, x), p.get("shift"), Map.of("name", "shifted"));
        T unused = F.sigmoid(h, Map.of("name", "debug"));         // left over: nothing reads it
        T a = F.relu(h, Map.of("name", "relu_a"));
        T b = F.relu(h, Map.of("name", "relu_b"));                // the same value again
        T sum = F.elemwiseAdd(a, b, Map.of("name", "sum"));
        return F.mulScalar(sum, 0.5, Map.of("name", "out"));
    }
}
