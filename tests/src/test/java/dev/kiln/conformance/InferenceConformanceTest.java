package dev.kiln.conformance;

import dev.kiln.KilnException;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.IntTuple;
import dev.kiln.op.OpRegistry;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Kiln's symbolic shape and dtype inference against MXNet 1.9's: op by op over the conformance {@link CaseTable}
 * ({@link InferenceConformance} says what is compared), and on whole networks inferred from their data alone.
 */
class InferenceConformanceTest {
    private static final InferenceComparison.Tally TALLY = new InferenceComparison.Tally();

    @BeforeAll
    static void needsMXNet() {
        assumeTrue(MXNet.isAvailable(), "MXNet's native library is not available");
    }

    @AfterAll
    static void report() {
        System.out.println("Inference conformance, " + TALLY);
    }

    /** Every table case whose op Kiln registers: both inferences agree with MXNet's. */
    @TestFactory
    Stream<DynamicNode> inferenceMatchesMXNetOnEveryTableOp() {
        OpRegistry registry = OpRegistry.global();
        return CaseTable.tests(c -> registry.contains(c.op()), c -> InferenceConformance.check(c, TALLY));
    }

    // ---- whole networks, from the data alone ----

    @Test
    void mlpWeightsOutputsAndDTypesFollowFromTheData() {
        Symbol net = SymbolJsonConformanceTest.kilnMlp();
        InferenceResult<Shape> shapes = assertSameInference(net, "data", Shape.of(5, 8), DType.FLOAT32);
        assertThat(shapes.variables()).containsEntry("fc1_weight", Shape.of(16, 8)).containsEntry("fc1_bias",
                Shape.of(16)).containsEntry("w2", Shape.of(4, 16));
        assertThat(shapes.outputs()).containsExactly(Shape.of(5, 4));
    }

    @Test
    void convBatchNormPoolNetInfersParametersAndAuxStatesFromTheData() {
        Symbol net = SymbolJsonConformanceTest.kilnConvNet();
        InferenceResult<Shape> shapes = assertSameInference(net, "data", Shape.of(2, 3, 9, 9), DType.FLOAT64);
        assertThat(shapes.variables()).containsEntry("conv0_weight", Shape.of(8, 3, 3, 3))
                .containsEntry("bn0_moving_var", Shape.of(8)).containsEntry("fc_weight", Shape.of(10, 8));
        assertThat(shapes.auxiliaryStates()).containsExactly(Shape.of(8), Shape.of(8));
        assertThat(shapes.outputs()).containsExactly(Shape.of(2, 10));
    }

    @Test
    void embeddingOfIntIndicesFeedsAFloatDenseLayer() {
        Symbol x = Symbol.var("tokens");
        Symbol e = sym.embedding(x, null, 20, 6, Map.of("name", "embed"));
        Symbol net = sym.fullyConnected(e, null, null, 3, Map.of("name", "fc"));
        InferenceResult<Shape> shapes = assertSameInference(net, "tokens", Shape.of(4, 5), DType.INT32);
        assertThat(shapes.variables()).containsEntry("embed_weight", Shape.of(20, 6))
                .containsEntry("fc_weight", Shape.of(3, 30));
        assertThat(net.inferType(Map.of("tokens", DType.INT32)).variables()).containsEntry("embed_weight",
                DType.FLOAT32).containsEntry("fc_bias", DType.FLOAT32);
    }

    @Test
    void splitConcatGraphWithSeveralOutputs() {
        Symbol x = Symbol.var("x");
        Symbol parts = sym.call("split", Map.of("num_outputs", 3, "axis", 1, "name", "sp"), x);
        Symbol joined = sym.concat(List.of(parts.get(2), parts.get(0)), Map.of("dim", 1, "name", "cat"));
        Symbol dense = sym.fullyConnected(joined, null, null, 7, Map.of("name", "fc", "flatten", false));
        Symbol stats = sym.call("BatchNorm", Map.of("name", "bn", "output_mean_var", true, "axis", 1), parts.get(1));
        Symbol total = sym.sum(x, Map.of("axis", IntTuple.of(0, 2), "name", "total"));
        Symbol net = Symbol.group(dense, parts.get(1), stats, total);
        InferenceResult<Shape> shapes = assertSameInference(net, "x", Shape.of(2, 6, 5), DType.FLOAT16);
        assertThat(shapes.variables()).containsEntry("fc_weight", Shape.of(7, 5)).containsEntry("bn_gamma",
                Shape.of(2));
        assertThat(shapes.outputs()).containsExactly(Shape.of(2, 4, 7), Shape.of(2, 2, 5), Shape.of(2, 2, 5),
                Shape.of(2), Shape.of(2), Shape.of(6));
    }

    /**
     * A given dtype or shape replaces a variable's {@code __dtype__} or {@code __shape__} annotation, in both
     * libraries: the annotation is a hint, not a constraint.
     */
    @Test
    void givenValuesReplaceAVariablesAnnotationAsInMXNet() {
        Symbol net = SymbolJsonConformanceTest.kilnMlp(); // data declared (0, 8) float32
        try (MXSymbols m = new MXSymbols()) {
            MXSymbol s = m.fromJson(net.toJson());
            assertThat(s.inferType(Map.of("data", DType.FLOAT64), false).outputs()).containsExactly(DType.FLOAT64);
            assertThat(s.inferShape(Map.of("data", Shape.of(5, 9))).outputs()).containsExactly(Shape.of(5, 4));
        }
        assertThat(net.inferType(Map.of("data", DType.FLOAT64)).outputs()).containsExactly(DType.FLOAT64);
        assertThat(net.inferShape(Map.of("data", Shape.of(5, 9))).outputs()).containsExactly(Shape.of(5, 4));
    }

    /**
     * Both libraries infer {@code net} from its data's shape and dtype alone, through Kiln's JSON loaded in MXNet:
     * the same complete shapes and dtypes of every argument, output and aux state; and from the data's shape without
     * its batch size, partial shapes on which they agree. Returns Kiln's complete shapes for further checks.
     */
    private static InferenceResult<Shape> assertSameInference(Symbol net, String data, Shape shape, DType dtype) {
        InferenceComparison cmp = new InferenceComparison("networks", new InferenceComparison.Names(
                net.listArguments(), net.listOutputs(), net.listAuxiliaryStates()), TALLY);
        try (MXSymbols m = new MXSymbols()) {
            MXSymbol s = m.fromJson(net.toJson());
            assertThat(s.listArguments()).isEqualTo(net.listArguments());
            assertThat(s.listOutputs()).isEqualTo(net.listOutputs());
            assertThat(s.listAuxiliaryStates()).isEqualTo(net.listAuxiliaryStates());
            InferenceComparison.Inference<Shape> kilnPartial = g -> InferenceComparison.Values.of(
                    net.inferShapePartial(g));
            boolean valid = cmp.full("shapes", Map.of(data, shape), g -> InferenceComparison.Values.of(
                    s.inferShape(g)), g -> InferenceComparison.Values.of(net.inferShape(g)), kilnPartial);
            assertThat(valid).as("MXNet accepts " + shape).isTrue();
            cmp.partial(InferenceComparison.Kind.SHAPE, "shapes without the batch size",
                    Map.of(data, shape.with(0, 0)), g -> InferenceComparison.Values.of(s.inferShapePartial(g)),
                    kilnPartial);
            cmp.full("dtypes", Map.of(data, dtype), g -> InferenceConformance.completeTypes(s, g),
                    g -> InferenceComparison.Values.of(net.inferType(g)),
                    g -> InferenceComparison.Values.of(net.inferTypePartial(g)));
        }
        assertThat(cmp.problems()).as("disagreements with MXNet").isEmpty();
        return net.inferShape(Map.of(data, shape));
    }
}
