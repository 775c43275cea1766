package dev.kiln.tornado.kernel;

import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.gradient.GraphGradient;
import dev.kiln.op.IntTuple;
import dev.kiln.symbol.Symbol;

import java.util.Map;
import java.util.TreeMap;

import static dev.kiln.symbol.Sym.sym;

public class ProbeGradOps {
    @org.junit.jupiter.api.Test
    void print() {
        Symbol x = Symbol.var("data");
        x = sym.convolution(x, Symbol.var("cw"), Symbol.var("cb"), IntTuple.of(3, 3), 4, Map.of("pad", "(1, 1)", "name", "conv"));
        x = sym.batchNorm(x, Symbol.var("g"), Symbol.var("b"), Symbol.var("rm"), Symbol.var("rv"), Map.of("name", "bn")).get(0);
        x = sym.activation(x, "relu", Map.of("name", "relu"));
        x = sym.pooling(x, Map.of("kernel", "(2, 2)", "stride", "(2, 2)", "pool_type", "max", "name", "pool"));
        x = sym.pooling(x, Map.of("kernel", "(2, 2)", "stride", "(2, 2)", "pool_type", "avg", "name", "apool"));
        x = sym.flatten(x, Map.of("name", "flat"));
        x = sym.dropout(x, Map.of("p", 0.5, "name", "drop"));
        x = sym.fullyConnected(x, Symbol.var("w"), Symbol.var("bb"), 10, Map.of("name", "fc"));
        x = sym.activation(x, "sigmoid", Map.of("name", "sig"));
        x = sym.activation(x, "tanh", Map.of("name", "th"));
        Symbol ls = sym.logSoftmax(x, null, Map.of("axis", -1, "name", "ls"));
        Symbol p = sym.pick(ls, Symbol.var("label"), Map.of("axis", -1, "keepdims", true, "name", "pick"));
        Symbol l = sym.mean(sym.negative(p, Map.of("name", "neg")), Map.of("axis", "(1,)", "exclude", true, "name", "mean"));
        Graph g = l.graph();
        var gg = GraphGradient.of(g).wrt("data", "cw", "cb", "g", "b", "w", "bb").build();
        Map<String, String> ops = new TreeMap<>();
        for (var n : gg.graph().nodes()) {
            if (n instanceof OpNode o) {
                ops.put(o.op().name(), o.params().toString());
            }
        }
        ops.forEach((k, v) -> System.out.println("OP " + k + "  " + v));
    }
}
