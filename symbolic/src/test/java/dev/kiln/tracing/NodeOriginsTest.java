package dev.kiln.tracing;

import dev.kiln.KilnException;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.NodeException;
import dev.kiln.graph.NodeExecutionException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.surface.F;
import dev.kiln.symbol.FrozenValueException;
import dev.kiln.symbol.NameManager;
import dev.kiln.symbol.NodeOrigin;
import dev.kiln.symbol.NodeOrigins;
import dev.kiln.symbol.Symbol;
import dev.kiln.symbol.TracedNodeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Lives outside Kiln's packages on purpose: its frames are user code, the call sites origins must name.
 */
class NodeOriginsTest {
    private static final String FILE = "NodeOriginsTest.java";

    @AfterEach
    void noRecordingLeaksOut() {
        assertThat(NodeOrigins.active()).isFalse();
    }

    /** The line of the caller, read from a stack trace of its own (independent of the origin machinery). */
    private static int line() {
        return new Throwable().getStackTrace()[1].getLineNumber();
    }

    @Test
    void aNodeCreatedWhileRecordingIsNotedWithTheBlockPathAndTheLineThatAppliedTheOp() {
        Symbol x = Symbol.var("x");
        int line;
        Map<String, NodeOrigin> origins;
        try (NodeOrigins.Recording r = NodeOrigins.record(() -> "net0.features.1")) {
            sym.relu(x, Map.of("name", "act")); line = line();
            origins = r.origins();
        }
        NodeOrigin o = origins.get("act");
        assertThat(o).isEqualTo(new NodeOrigin("net0.features.1", NodeOriginsTest.class.getName(),
                "aNodeCreatedWhileRecordingIsNotedWithTheBlockPathAndTheLineThatAppliedTheOp", FILE, line));
        assertThat(o.toString()).isEqualTo("net0.features.1 at dev.kiln.tracing.NodeOriginsTest."
                + "aNodeCreatedWhileRecordingIsNotedWithTheBlockPathAndTheLineThatAppliedTheOp(" + FILE + ":" + line
                + ")");
        assertThat(origins).containsOnlyKeys("act");
    }

    private static <T> T layer(F<T> F, T x) {
        return F.relu(F.sigmoid(x, Map.of("name", "sig")), Map.of("name", "out"));
    }

    @Test
    void generatedSurfaceFramesAreSkippedSoAGenericLayerMethodIsNamed() {
        Map<String, NodeOrigin> origins;
        try (NodeOrigins.Recording r = NodeOrigins.record(() -> "net0")) {
            layer(sym, Symbol.var("x"));
            origins = r.origins();
        }
        assertThat(origins.keySet()).containsExactly("sig", "out");
        assertThat(origins.values()).extracting(NodeOrigin::methodName).containsOnly("layer");
        assertThat(origins.values()).extracting(NodeOrigin::className).containsOnly(NodeOriginsTest.class.getName());
    }

    @Test
    void aNodeCreatedInALambdaRunByTheJdkIsNotedAtTheLambdasLine() {
        List<Symbol> xs = List.of(Symbol.var("a"), Symbol.var("b"));
        int line;
        Map<String, NodeOrigin> origins;
        try (NodeOrigins.Recording r = NodeOrigins.record(() -> "net0")) {
            xs.stream().map(s -> sym.relu(s, Map.of("name", "r_" + s.name()))).collect(Collectors.toList()); line = line();
            origins = r.origins();
        }
        assertThat(origins.values()).extracting(NodeOrigin::lineNumber).containsExactly(line, line);
        assertThat(origins.values()).extracting(NodeOrigin::methodName)
                .allSatisfy(m -> assertThat(m).startsWith("lambda$"));
    }

    @Test
    void nestedRecordingsEachNoteWhatWasCreatedWhileTheyWereOpenWithTheirOwnBlockPath() {
        Map<String, NodeOrigin> outer;
        Map<String, NodeOrigin> inner;
        int line;
        try (NodeOrigins.Recording r = NodeOrigins.record(() -> "outer")) {
            sym.relu(Symbol.var("x"), Map.of("name", "before"));
            try (NodeOrigins.Recording q = NodeOrigins.record(() -> "outer.inner")) {
                sym.relu(Symbol.var("x"), Map.of("name", "during")); line = line();
                inner = q.origins();
            }
            sym.relu(Symbol.var("x"), Map.of("name", "after"));
            outer = r.origins();
        }
        assertThat(inner.keySet()).containsExactly("during");
        assertThat(inner.get("during").blockPath()).isEqualTo("outer.inner");
        assertThat(outer.keySet()).containsExactly("before", "during", "after");
        assertThat(outer.get("during").blockPath()).isEqualTo("outer");
        assertThat(outer.get("during").lineNumber()).isEqualTo(line).isEqualTo(inner.get("during").lineNumber());
    }

    @Test
    void nothingIsNotedOutsideARecordingOrWhilePaused() {
        sym.relu(Symbol.var("x"), Map.of("name", "beforeAny"));
        assertThat(NodeOrigins.active()).isFalse();
        NodeOrigins.Recording r = NodeOrigins.record(() -> "net0");
        try (r) {
            assertThat(NodeOrigins.active()).isTrue();
            try (var paused = NodeOrigins.pause()) {
                assertThat(NodeOrigins.active()).isFalse();
                sym.relu(Symbol.var("x"), Map.of("name", "paused"));
            }
            sym.relu(Symbol.var("x"), Map.of("name", "noted"));
        }
        sym.relu(Symbol.var("x"), Map.of("name", "afterClose"));
        assertThat(r.origins().keySet()).containsExactly("noted");
    }

    @Test
    void originsIsAnImmutableSnapshot() {
        try (NodeOrigins.Recording r = NodeOrigins.record(() -> "net0")) {
            sym.relu(Symbol.var("x"), Map.of("name", "one"));
            Map<String, NodeOrigin> first = r.origins();
            sym.relu(Symbol.var("x"), Map.of("name", "two"));
            assertThat(first).containsOnlyKeys("one");
            assertThat(r.origins()).containsOnlyKeys("one", "two");
            assertThatThrownBy(() -> first.put("three", null)).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void anOpErrorWhileTracingNamesTheBlockAndTheLineThatAppliedTheOp() {
        int[] line = new int[1];
        try (NodeOrigins.Recording r = NodeOrigins.record(() -> "net0.head")) {
            assertThatThrownBy(() -> {
                line[0] = line(); sym.reshape(Symbol.var("x"), Map.of("no_such_attribute", 1));
            }).isInstanceOf(KilnException.class)
                    .hasMessageContaining("no_such_attribute")
                    .hasMessageContaining("applied by block 'net0.head' at dev.kiln.tracing.NodeOriginsTest.lambda$")
                    .hasMessageContaining("(" + FILE + ":" + line[0] + ")");
        }
    }

    @Test
    void readingAConcreteShapeWhileTracingIsRefusedWithTheSymbolicAlternatives() {
        try (var names = NameManager.fresh(); NodeOrigins.Recording r = NodeOrigins.record(() -> "net0.dense1")) {
            Symbol y = sym.relu(Symbol.var("x"));
            int[] line = new int[1];
            assertThatThrownBy(() -> {
                line[0] = line(); y.inferShape(Map.of("x", Shape.of(2, 3)));
            }).isInstanceOfSatisfying(FrozenValueException.class, e -> {
                assertThat(e.origin().blockPath()).isEqualTo("net0.dense1");
                assertThat(e.origin().className()).isEqualTo(NodeOriginsTest.class.getName());
                assertThat(e.origin().lineNumber()).isEqualTo(line[0]);
            }).hasMessageStartingWith("Symbol.inferShape at dev.kiln.tracing.NodeOriginsTest.lambda$")
                    .hasMessageContaining("while block 'net0.dense1' is being traced")
                    .hasMessageContaining("F.reshapeLike").hasMessageContaining("F.shapeArray");
            assertThatThrownBy(() -> y.inferShapePartial(Map.of())).isInstanceOf(FrozenValueException.class);
            assertThatThrownBy(() -> y.inferType(Map.of())).isInstanceOf(FrozenValueException.class)
                    .hasMessageContaining("F.castLike");
            assertThatThrownBy(() -> y.inferTypePartial(Map.of())).isInstanceOf(FrozenValueException.class);
            assertThatThrownBy(() -> y.simpleBind(Map.of("x", Shape.of(2))))
                    .isInstanceOf(FrozenValueException.class).hasMessageStartingWith("Symbol.simpleBind");
            assertThatThrownBy(() -> y.bind(Map.of("x", NDArray.zeros(2)), null, null, null))
                    .isInstanceOf(FrozenValueException.class).hasMessageStartingWith("Symbol.bind");
            assertThatThrownBy(() -> y.eval(Map.of("x", NDArray.zeros(2))))
                    .isInstanceOf(FrozenValueException.class).hasMessageStartingWith("Symbol.eval")
                    .hasMessageContaining("concrete values");
        }
    }

    @Test
    void concreteReadsWorkOutsideARecordingAndWhilePaused() {
        Symbol y = sym.relu(Symbol.var("x"));
        NDArray in = NDArray.from(new float[] {-1, 2});
        assertThat(y.eval(Map.of("x", in)).get(0).toFloatArray()).containsExactly(0f, 2f);
        try (NodeOrigins.Recording r = NodeOrigins.record(() -> "net0"); var p = NodeOrigins.pause()) {
            assertThat(y.inferShape(Map.of("x", Shape.of(4))).outputs()).containsExactly(Shape.of(4));
        }
    }

    @Test
    void aFailingNodeRaisesNodeExecutionExceptionNamingTheNodeAndItsOp() {
        NodeExecutionException e = runMismatched(sym.dot(Symbol.var("a"), Symbol.var("b"), Map.of("name", "d")));
        assertThat(e.nodeName()).isEqualTo("d");
        assertThat(e.opName()).isEqualTo("dot");
        assertThat(e.getMessage()).isEqualTo("node 'd' (dot): " + e.detail());
        assertThat(e.getCause()).isInstanceOf(KilnException.class).hasMessage(e.detail());
        assertThat(e.detail()).contains("(2, 3)").contains("(4, 5)");
    }

    @Test
    void aShapeInferenceFailureIsANodeExceptionNamingTheNodeAndItsOp() {
        Symbol d = sym.dot(Symbol.var("a"), Symbol.var("b"), Map.of("name", "d"));
        assertThatThrownBy(() -> d.inferShape(Map.of("a", Shape.of(2, 3), "b", Shape.of(4, 5))))
                .isInstanceOfSatisfying(NodeException.class, e -> {
                    assertThat(e.nodeName()).isEqualTo("d");
                    assertThat(e.opName()).isEqualTo("dot");
                }).hasMessageContaining("inference failed at node 'd' (dot)");
    }

    @Test
    void attributeAddsTheOriginOfTheFailingNodeFromATracesOrigins() {
        Symbol d;
        int line;
        Map<String, NodeOrigin> origins;
        try (NodeOrigins.Recording r = NodeOrigins.record(() -> "net0.dense1")) {
            d = sym.dot(Symbol.var("a"), Symbol.var("b"), Map.of("name", "d")); line = line();
            origins = r.origins();
        }
        NodeExecutionException failure = runMismatched(d);
        KilnException e = TracedNodeException.attribute(failure, origins);
        assertThat(e).isInstanceOfSatisfying(TracedNodeException.class, t -> {
            assertThat(t.nodeName()).isEqualTo("d");
            assertThat(t.opName()).isEqualTo("dot");
            assertThat(t.origin()).isEqualTo(origins.get("d"));
            assertThat(t.getCause()).isSameAs(failure);
        }).hasMessage(failure.getMessage() + "; created by block 'net0.dense1' at dev.kiln.tracing.NodeOriginsTest."
                + "attributeAddsTheOriginOfTheFailingNodeFromATracesOrigins(" + FILE + ":" + line + ")");

        KilnException wrapped = new KilnException("in block 'net0' (Net): " + failure.getMessage(), failure);
        assertThat(TracedNodeException.attribute(wrapped, origins)).isInstanceOf(TracedNodeException.class)
                .hasMessageEndingWith("; node 'd' was created by block 'net0.dense1' at dev.kiln.tracing."
                        + "NodeOriginsTest.attributeAddsTheOriginOfTheFailingNodeFromATracesOrigins(" + FILE + ":"
                        + line + ")");
        assertThat(TracedNodeException.attribute(e, origins)).isSameAs(e);
        assertThat(TracedNodeException.attribute(failure, Map.of())).isSameAs(failure);
        KilnException plain = new KilnException("not about a node");
        assertThat(TracedNodeException.attribute(plain, origins)).isSameAs(plain);
    }

    private static NodeExecutionException runMismatched(Symbol d) {
        NodeExecutionException e = catchThrowableOfType(NodeExecutionException.class, () -> Interpreter.eval(
                d.graph(), Map.of("a", NDArray.zeros(2, 3), "b", NDArray.zeros(4, 5))));
        assertThat(e).as("dot of (2, 3) and (4, 5) must fail").isNotNull();
        return e;
    }
}
