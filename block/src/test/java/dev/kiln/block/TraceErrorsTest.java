package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.NodeExecutionException;
import dev.kiln.init.Constant;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Dense;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterSpec;
import dev.kiln.symbol.FrozenValueException;
import dev.kiln.symbol.NodeOrigin;
import dev.kiln.symbol.NodeOrigins;
import dev.kiln.symbol.Symbol;
import dev.kiln.symbol.TracedNodeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@org.junit.jupiter.api.extension.ExtendWith(dev.kiln.testing.FreshNames.class)
class TraceErrorsTest {
    private static final String FILE = "TraceErrorsTest.java";
    /** The line of the op call or read each test block makes, taken from a stack trace of its own. */
    private static int line;

    private static int here() {
        return new Throwable().getStackTrace()[1].getLineNumber();
    }

    @AfterEach
    void noTraceIsLeftRecording() {
        assertThat(NodeOrigins.active()).isFalse();
    }

    /** A block whose body is given as a function of F's symbolic or eager values. */
    interface Body {
        <T> T apply(F<T> F, T x, ParameterValues<T> p, Parameter weight);
    }

    /** One child, {@code body}, under a root: paths read {@code outer0.body}. */
    static final class Outer extends HybridBlock {
        final Inner body;

        Outer(Body b) {
            this(b, Shape.of(4, 5));
        }

        Outer(Body b, Shape weight) {
            super(null, null, "outer");
            try (var ignored = nameScope()) {
                body = registerChild(new Inner(b, weight), "body");
            }
        }

        @Override
        protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
            return body.call(F, x);
        }
    }

    static final class Inner extends HybridBlock {
        private final Body b;
        final Parameter weight;

        Inner(Body b) {
            this(b, Shape.of(4, 5));
        }

        Inner(Body b, Shape weight) {
            super(null, null, "inner");
            this.b = b;
            this.weight = param("weight", ParameterSpec.of().shape(weight).allowDeferredInit(true));
        }

        @Override
        protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
            return b.apply(F, x, p, weight);
        }
    }

    /** A body applying one op by name to the input and, with {@code withWeight}, the weight; notes its line. */
    private static Body op(String name, Map<String, ?> attrs, boolean withWeight) {
        return new Body() {
            @Override
            public <T> T apply(F<T> F, T x, ParameterValues<T> p, Parameter weight) {
                List<T> in = withWeight ? List.of(x, p.get("weight")) : List.of(x);
                line = here() + 1;
                return F.apply(name, attrs, in).get(0);
            }
        };
    }

    private static final Body DOT = op("dot", Map.of("name", "dot"), true);

    @Test
    void anOpThatFailsWhenTheTracedGraphRunsNamesTheBlockPathAndTheLineThatCreatedIt() {
        Outer net = new Outer(DOT);
        Symbol graph = net.trace(true);
        Map<String, NodeOrigin> origins = net.traceOrigins();
        assertThat(origins).containsOnlyKeys("outer0_inner0_dot");
        String site = DOT.getClass().getName() + ".apply(" + FILE + ":" + line + ")";
        assertThat(origins.get("outer0_inner0_dot")).hasToString("outer0.body at " + site);

        NodeExecutionException failure = catchThrowableOfType(NodeExecutionException.class, () -> Interpreter.eval(
                graph.graph(), Map.of("data", NDArray.zeros(2, 3), "outer0_inner0_weight", NDArray.zeros(4, 5))));
        assertThat(failure).as("dot of (2, 3) and (4, 5) must fail when run").isNotNull();
        assertThat(TracedNodeException.attribute(failure, origins))
                .hasMessageStartingWith("node 'outer0_inner0_dot' (dot): ")
                .hasMessageEndingWith("; created by block 'outer0.body' at " + site);
    }

    @Test
    void aHybridizedCallThatFailsInTheCompiledGraphNamesTheBlockPathAndTheLine() {
        Outer net = new Outer(DOT);
        net.initialize();
        net.hybridize();
        Throwable failure = catchThrowable(() -> net.call(NDArray.zeros(2, 3)));
        String site = DOT.getClass().getName() + ".apply(" + FILE + ":" + line + ")";
        assertThat(failure).isInstanceOf(BlockForwardException.class)
                .hasMessageContaining("node 'outer0_inner0_dot' (dot): ")
                .hasMessageContaining("; created by block 'outer0.body' at " + site);
    }

    @Test
    void aShapeInferenceFailureCompletingDeferredParametersCanBeTracedToTheLine() {
        Body fc = op("FullyConnected", Map.of("name", "fc", "num_hidden", 3, "no_bias", true), true);
        Outer net = new Outer(fc, Shape.of(4, 0));
        net.initialize();
        KilnException failure = catchThrowableOfType(KilnException.class, () -> net.call(NDArray.zeros(2, 3)));
        assertThat(failure).as("3 hidden units with a weight of 4 rows must fail to infer").isNotNull();
        assertThat(TracedNodeException.attribute(failure, net.body.traceOrigins()))
                .isInstanceOf(TracedNodeException.class)
                .hasMessageStartingWith(failure.getMessage())
                .hasMessageEndingWith("; node 'outer0_inner0_fc' was created by block 'outer0.body' at "
                        + fc.getClass().getName() + ".apply(" + FILE + ":" + line + ")");
    }

    @Test
    void theOutermostTraceRecordsOriginsOfLayersAtTheirOwnHybridForward() {
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(new Dense(3), new Dense(2));
        }
        net.trace(true);
        assertThat(net.traceOrigins().keySet()).containsExactly("hybridsequential0_dense0_fwd",
                "hybridsequential0_dense1_fwd");
        NodeOrigin second = net.traceOrigins().get("hybridsequential0_dense1_fwd");
        assertThat(second.blockPath()).isEqualTo("hybridsequential0.1");
        assertThat(second.className()).isEqualTo(Dense.class.getName());
        assertThat(second.methodName()).isEqualTo("hybridForward");
        assertThat(second.fileName()).isEqualTo("Dense.java");
        assertThat(((HybridBlock) net.get(1)).traceOrigins()).as("inner blocks are part of the outer trace")
                .isEmpty();
    }

    @Test
    void anOpErrorWhileTracingNamesTheBlockPathAndTheLine() {
        Body bad = op("Reshape", Map.of("no_such_attribute", 1), false);
        Outer net = new Outer(bad);
        assertThatThrownBy(() -> net.trace(true)).isInstanceOf(BlockForwardException.class)
                .hasMessageStartingWith("in block 'outer0.body' (Inner): ")
                .hasMessageContaining("no_such_attribute")
                .hasMessageContaining("applied by block 'outer0.body' at " + bad.getClass().getName() + ".apply("
                        + FILE + ":" + line + ")");
    }

    private static Outer reading(BiFunction<Symbol, Parameter, Object> read) {
        return new Outer(new Body() {
            @Override
            public <T> T apply(F<T> F, T x, ParameterValues<T> p, Parameter weight) {
                if (x instanceof Symbol s) {
                    read.apply(s, weight);
                }
                return F.relu(x);
            }
        });
    }

    @Test
    void readingAConcreteShapeOfASymbolicInputIsRefusedNamingTheBlockTheLineAndTheAlternatives() {
        Outer net = reading((s, w) -> {
            line = here(); return s.inferShape(Map.of("data", Shape.of(2, 4)));
        });
        assertThatThrownBy(() -> net.trace(true)).isInstanceOf(BlockForwardException.class)
                .hasMessageStartingWith("in block 'outer0.body' (Inner): Symbol.inferShape at dev.kiln.block."
                        + "TraceErrorsTest.lambda$")
                .hasMessageContaining("(" + FILE + ":" + line + ") reads a concrete shape while block "
                        + "'outer0.body' is being traced")
                .hasMessageContaining("F.reshapeLike").hasMessageContaining("F.broadcastLike")
                .hasMessageContaining("F.sliceLike").hasMessageContaining("F.shapeArray")
                .cause().isInstanceOfSatisfying(FrozenValueException.class, e -> {
                    assertThat(e.origin().blockPath()).isEqualTo("outer0.body");
                    assertThat(e.origin().lineNumber()).isEqualTo(line);
                });
    }

    @Test
    void evaluatingASymbolicInputOrReadingParameterDataWhileTracingIsRefused() {
        NDArray one = NDArray.ones(2, 4);
        assertThatThrownBy(() -> reading((s, w) -> s.eval(Map.of("data", one))).trace(true))
                .hasMessageContaining("Symbol.eval at dev.kiln.block.TraceErrorsTest.lambda$")
                .hasMessageContaining("reads concrete values")
                .cause().isInstanceOf(FrozenValueException.class);
        Outer net = reading((s, w) -> {
            line = here(); return w.data();
        });
        net.initialize();
        assertThatThrownBy(() -> net.trace(true))
                .hasMessageContaining("Parameter 'outer1_inner0_weight'.data at dev.kiln.block.TraceErrorsTest."
                        + "lambda$")
                .hasMessageContaining(FILE + ":" + line + ")")
                .hasMessageContaining("p.get(\"name\")")
                .cause().isInstanceOf(FrozenValueException.class);
    }

    @Test
    void theRootBlocksOwnFreezeErrorIsRaisedAsItIs() {
        Inner root = new Inner(new Body() {
            @Override
            public <T> T apply(F<T> F, T x, ParameterValues<T> p, Parameter weight) {
                return F.relu(x, Map.of("name", String.valueOf(((Symbol) x).inferType(Map.of()))));
            }
        });
        assertThatThrownBy(() -> root.trace(true)).isInstanceOfSatisfying(FrozenValueException.class,
                e -> assertThat(e.origin().blockPath()).isEqualTo("inner0"))
                .hasMessageContaining("F.castLike");
    }

    @Test
    void castingASymbolicInputToNDArrayIsAClearErrorNamingTheBlockAndTheLine() {
        Outer net = new Outer(new Body() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T apply(F<T> F, T x, ParameterValues<T> p, Parameter weight) {
                line = here(); NDArray a = (NDArray) x;
                return (T) a;
            }
        });
        net.initialize();
        assertThat(net.call(NDArray.of(Shape.of(2), 1f, -3f))).isCloseTo(new double[] {1, -3}, 0, 0);
        assertThatThrownBy(() -> net.trace(true)).isInstanceOf(BlockForwardException.class)
                .hasMessageStartingWith("in block 'outer0.body' (Inner): hybridForward at dev.kiln.block."
                        + "TraceErrorsTest$")
                .hasMessageContaining(FILE + ":" + line + ") casts a symbolic value")
                .hasMessageContaining("must compute only with F's ops")
                .cause().cause().isInstanceOf(ClassCastException.class);
    }

    @Test
    void passingAnNDArrayToAnOpWhileTracingIsAClearErrorNamingTheLine() {
        Outer net = new Outer(new Body() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T apply(F<T> F, T x, ParameterValues<T> p, Parameter weight) {
                line = here(); return F.broadcastAdd(x, (T) NDArray.ones(2));
            }
        });
        net.initialize();
        assertThat(net.call(NDArray.of(Shape.of(2), 1f, -3f))).isCloseTo(new double[] {2, -2}, 0, 0);
        assertThatThrownBy(() -> net.trace(true)).isInstanceOf(BlockForwardException.class)
                .hasMessageContaining(FILE + ":" + line + ") passes an NDArray")
                .hasMessageContaining("F.zeros, F.ones, F.full or F.arange");
    }

    @Test
    void aCastUnrelatedToTheBackendsIsLeftAlone() {
        Outer net = new Outer(new Body() {
            @Override
            public <T> T apply(F<T> F, T x, ParameterValues<T> p, Parameter weight) {
                Object o = "text";
                return F.relu(x, Map.of("name", ((Integer) o).toString()));
            }
        });
        assertThatThrownBy(() -> net.trace(true)).isExactlyInstanceOf(ClassCastException.class);
    }

    @Test
    void eagerForwardIsUnchangedAndReadsParameterDataFreely() {
        Outer net = reading((s, w) -> s.inferShape(Map.of()));
        net.initialize(new Constant(0.5));
        NDArray y = net.call(NDArray.of(Shape.of(3), -1f, 0f, 2f));
        assertThat(y).isCloseTo(new double[] {0, 0, 2}, 0, 0);
        assertThat(net.body.weight.data()).isCloseTo(new double[] {
                0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5,
                0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, 0, 0);
    }
}
