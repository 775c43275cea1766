package dev.kiln.compiler.memory;

import dev.kiln.graph.Graph;
import dev.kiln.op.IntTuple;
import dev.kiln.symbol.Symbol;

import java.util.List;
import java.util.Map;

import static dev.kiln.symbol.Sym.sym;

/**
 * Graphs as hybridized Gluon blocks trace them (the compiler cannot depend on the block module, so they are written
 * with {@code Sym} the way the layers write them): an MLP of Dense, BatchNorm and Activation, and a small CNN.
 */
final class Networks {
    private Networks() {
    }

    /** Dense(64, relu), BatchNorm, Activation(relu), Dense(10) on {@code data}. */
    static Graph mlp() {
        Symbol x = Symbol.var("data");
        x = dense(x, "dense0_", 64);
        x = sym.activation(x, "relu", Map.of("name", "dense0_relu_fwd"));
        x = batchNorm(x, "batchnorm0_");
        x = sym.activation(x, "relu", Map.of("name", "relu0_fwd"));
        return dense(x, "dense1_", 10).graph();
    }

    /** Two blocks of Conv(3x3, pad 1), BatchNorm, relu and 2x2 max pooling, then Flatten and Dense(10). */
    static Graph cnn() {
        Symbol x = Symbol.var("data");
        int[] filters = {8, 16};
        for (int k = 0; k < filters.length; k++) {
            String p = "conv" + k + "_";
            x = sym.convolution(x, Symbol.var(p + "weight"), Symbol.var(p + "bias"), IntTuple.of(3, 3), filters[k],
                    Map.of("pad", "(1, 1)", "name", p + "fwd"));
            x = batchNorm(x, "batchnorm" + k + "_");
            x = sym.activation(x, "relu", Map.of("name", "relu" + k + "_fwd"));
            x = sym.pooling(x, Map.of("kernel", "(2, 2)", "stride", "(2, 2)", "pool_type", "max",
                    "name", "pool" + k + "_fwd"));
        }
        x = sym.flatten(x, Map.of("name", "flatten0_fwd"));
        return dense(x, "dense0_", 10).graph();
    }

    private static Symbol dense(Symbol x, String prefix, int units) {
        return sym.fullyConnected(x, Symbol.var(prefix + "weight"), Symbol.var(prefix + "bias"), units,
                Map.of("name", prefix + "fwd"));
    }

    private static Symbol batchNorm(Symbol x, String prefix) {
        List<Symbol> out = sym.batchNorm(x, Symbol.var(prefix + "gamma"), Symbol.var(prefix + "beta"),
                Symbol.var(prefix + "running_mean"), Symbol.var(prefix + "running_var"),
                Map.of("name", prefix + "fwd"));
        return out.get(0);
    }
}
