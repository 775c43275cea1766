package dev.kiln.bench;

import dev.kiln.graph.Graph;
import dev.kiln.graph.Interpreter;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.surface.ND;
import dev.kiln.symbol.NameManager;
import dev.kiln.symbol.Symbol;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static dev.kiln.symbol.Sym.sym;

/**
 * What the symbolic layer costs: composing a deep residual MLP symbol (300 blocks of FullyConnected, relu and a
 * residual add, about 1,500 nodes) and turning it into the graph IR; shape inference over that graph from the data
 * shape alone; writing and reading it as MXNet symbol JSON; and one forward of an MNIST-sized MLP (batch 64, 784-128-10) through the interpreter against the same
 * ops called eagerly, whose ratio is the interpreter's overhead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SymbolBench {
    static final int BLOCKS = 300;

    @Param({"1"})
    public int threads;

    private Symbol deep;
    private String deepJson;
    private Graph mlp;
    private Map<String, NDArray> mlpArgs;

    @Setup(Level.Trial)
    public void setUp() {
        KilnThreads.use(threads);
        deep = composeDeep();
        deepJson = deep.toJson();
        Symbol x = Symbol.var("data");
        Symbol h = sym.activation(sym.fullyConnected(x, Symbol.var("w1"), Symbol.var("b1"), 128), "relu");
        mlp = sym.fullyConnected(h, Symbol.var("w2"), Symbol.var("b2"), 10).graph();
        Random r = new Random(7);
        mlpArgs = Map.of("data", random(r, 64, 784), "w1", random(r, 128, 784), "b1", random(r, 128),
                "w2", random(r, 10, 128), "b2", random(r, 10));
    }

    private static NDArray random(Random r, int... shape) {
        float[] v = new float[Shape.of(shape).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian() * 0.05f;
        }
        return NDArray.from(v).reshape(shape);
    }

    private static Symbol composeDeep() {
        try (var names = NameManager.fresh()) {
            Symbol h = sym.fullyConnected(Symbol.var("data"), null, null, 64);
            for (int i = 0; i < BLOCKS; i++) {
                Symbol f = sym.activation(sym.fullyConnected(h, null, null, 64), "relu");
                h = sym.elemwiseAdd(h, f);
            }
            return h;
        }
    }

    /** Composing the 300-block symbol and building its graph IR. */
    @Benchmark
    public Graph composeAndBuildGraph() {
        return composeDeep().graph();
    }

    /** Shape inference over the 300-block graph, every weight inferred from the data shape. */
    @Benchmark
    public Object inferShapesFromData() {
        return deep.inferShape(Map.of("data", Shape.of(32, 100)));
    }

    /** Writing the 300-block graph as MXNet symbol JSON. */
    @Benchmark
    public String jsonWrite() {
        return deep.toJson();
    }

    /** Reading it back into a symbol. */
    @Benchmark
    public Symbol jsonRead() {
        return Symbol.fromJson(deepJson);
    }

    /** One MLP forward through the graph interpreter. */
    @Benchmark
    public List<NDArray> mlpInterpreted() {
        return Interpreter.eval(mlp, mlpArgs, false);
    }

    /** The same forward as direct eager calls. */
    @Benchmark
    public NDArray mlpEager() {
        ND nd = ND.nd;
        NDArray h = nd.activation(nd.fullyConnected(mlpArgs.get("data"), mlpArgs.get("w1"), mlpArgs.get("b1"), 128),
                "relu");
        return nd.fullyConnected(h, mlpArgs.get("w2"), mlpArgs.get("b2"), 10);
    }
}
