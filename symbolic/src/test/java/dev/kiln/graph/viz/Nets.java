package dev.kiln.graph.viz;

import dev.kiln.ndarray.Shape;
import dev.kiln.op.IntTuple;
import dev.kiln.symbol.Symbol;

import java.util.List;
import java.util.Map;

import static dev.kiln.symbol.Sym.sym;

/** Small networks for the printing tests, with every argument shape given so no backward inference is needed. */
final class Nets {
    private Nets() {
    }

    /** MXNet's plot_network example: data(100, 200) -> fc1(128) -> relu1 -> fc2(10) -> SoftmaxOutput out. */
    static Symbol mlp() {
        Symbol fc1 = sym.fullyConnected(Symbol.var("data"), null, null, 128, Map.of("name", "fc1"));
        Symbol relu = sym.activation(fc1, "relu", Map.of("name", "relu1"));
        Symbol fc2 = sym.fullyConnected(relu, null, null, 10, Map.of("name", "fc2"));
        return sym.softmaxOutput(fc2, null, Map.of("name", "out"));
    }

    static Map<String, Shape> mlpShapes() {
        return Map.of("data", Shape.of(100, 200), "fc1_weight", Shape.of(128, 200), "fc1_bias", Shape.of(128),
                "fc2_weight", Shape.of(10, 128), "fc2_bias", Shape.of(10), "out_label", Shape.of(100));
    }

    /** data(8, 3, 32, 32) -> conv1 3x3 pad 1, 16 filters -> bn1 -> relu1 -> pool1 max 2x2/2x2 -> flat. */
    static Symbol convBnReluPool() {
        Symbol conv = sym.convolution(Symbol.var("data"), null, null, IntTuple.of(3, 3), 16,
                Map.of("name", "conv1", "pad", IntTuple.of(1, 1)));
        Symbol bn = sym.batchNorm(conv, null, null, null, null, Map.of("name", "bn1")).get(0);
        Symbol relu = sym.activation(bn, "relu", Map.of("name", "relu1"));
        Symbol pool = sym.pooling(relu, Map.of("name", "pool1", "kernel", IntTuple.of(2, 2), "stride",
                IntTuple.of(2, 2), "pool_type", "max"));
        return sym.flatten(pool, Map.of("name", "flat"));
    }

    static Map<String, Shape> convShapes() {
        return Map.of("data", Shape.of(8, 3, 32, 32), "conv1_weight", Shape.of(16, 3, 3, 3), "conv1_bias",
                Shape.of(16), "bn1_gamma", Shape.of(16), "bn1_beta", Shape.of(16), "bn1_moving_mean", Shape.of(16),
                "bn1_moving_var", Shape.of(16));
    }

    /** x(4, 6) split in two along axis 1; the halves are added, and the second half is also an output. */
    static Symbol split() {
        List<Symbol> halves = sym.split(Symbol.var("x"), 2, Map.of("name", "sp", "axis", 1));
        Symbol add = sym.elemwiseAdd(halves.get(0), halves.get(1), Map.of("name", "add"));
        return Symbol.group(add, halves.get(1));
    }
}
