package dev.kiln.compiler.jit;

import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.graph.Graph;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.kiln.compiler.jit.ElementwiseGraphs.assertSameBits;
import static dev.kiln.symbol.Sym.sym;

/**
 * Graphs the randomised graph test found failing in the jit after broadcast and row fusion were merged: a group
 * whose inputs have the output's size but another rank (seed 20261301), and LayerNorm along a leading axis, whose
 * gamma and beta are not rows of the data (seed 20261263).
 */
class FusionShapeRegressionTest {

    private static void assertJitMatchesInterpreter(Graph g, Map<String, Shape> shapes) {
        List<String> names = new ArrayList<>();
        List<Shape> s = new ArrayList<>();
        List<DType> t = new ArrayList<>();
        NDArray[] in = new NDArray[shapes.size()];
        java.util.Random r = new java.util.Random(7);
        for (int i : g.variableNodes()) {
            String name = g.node(i).name();
            Shape shape = shapes.get(name);
            double[] v = new double[shape.size()];
            for (int k = 0; k < v.length; k++) {
                v[k] = r.nextDouble() * 4 - 2;
            }
            in[names.size()] = NDArray.of(shape, DType.FLOAT32, v);
            names.add(name);
            s.add(shape);
            t.add(DType.FLOAT32);
        }
        CompileRequest req = new CompileRequest(g, names, s, t, false, List.of(), true, false,
                g.outputs().size());
        NDArray[] expected = Backends.get(Backends.INTERPRETER).compile(req).infer(in);
        NDArray[] actual = Backends.get(Backends.JIT).compile(req).infer(in);
        for (int k = 0; k < expected.length; k++) {
            assertSameBits(actual[k], expected[k], "output " + k);
        }
    }

    @Test
    void aGroupReadsAnInputOfTheOutputsSizeButLowerRankAtTheOutputsIndex() {
        Symbol x0 = Symbol.var("x0");
        Symbol x1 = Symbol.var("x1");
        Symbol eq = sym.call("broadcast_equal", Map.of("name", "eq"), x0, x1);
        Symbol ne = sym.call("broadcast_not_equal", Map.of("name", "ne"), eq, x1);
        assertJitMatchesInterpreter(ne.graph(), Map.of("x0", Shape.of(1, 3), "x1", Shape.of(3)));
    }

    @Test
    void layerNormAlongALeadingAxisRunsUnfused() {
        Symbol x = sym.call("_rdiv_scalar", Map.of("name", "d", "scalar", 3.0), Symbol.var("x"));
        Symbol ln = sym.call("LayerNorm", Map.of("name", "ln", "axis", -2), x, Symbol.var("g"), Symbol.var("b"));
        assertJitMatchesInterpreter(ln.graph(), Map.of("x", Shape.of(4, 3), "g", Shape.of(4), "b", Shape.of(4)));
    }
}
