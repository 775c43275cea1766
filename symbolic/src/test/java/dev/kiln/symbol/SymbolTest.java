package dev.kiln.symbol;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SymbolTest {

    @Test
    void opCallsAreNamedByOpAndCounterAndMissingInputsBecomeVariables() {
        try (var ns = NameManager.fresh()) {
            Symbol x = Symbol.var("data");
            Symbol fc = sym.fullyConnected(x, null, null, 10);
            Symbol fc2 = sym.fullyConnected(fc, null, null, 5);
            assertThat(fc.name()).isEqualTo("fullyconnected0");
            assertThat(fc2.name()).isEqualTo("fullyconnected1");
            assertThat(fc2.listArguments()).containsExactly("data", "fullyconnected0_weight", "fullyconnected0_bias",
                    "fullyconnected1_weight", "fullyconnected1_bias");
            assertThat(fc2.listOutputs()).containsExactly("fullyconnected1_output");
        }
    }

    @Test
    void explicitNamesAndPrefixScopesNameNodesAsGluonBlocksDo() {
        try (var ns = NameManager.prefix("dense0_")) {
            Symbol x = Symbol.var("data");
            Symbol fc = sym.fullyConnected(x, Symbol.var("dense0_weight"), Symbol.var("dense0_bias"), 4,
                    Map.of("name", "fwd"));
            Symbol relu = sym.activation(fc, "relu");
            assertThat(fc.name()).isEqualTo("dense0_fwd");
            assertThat(relu.name()).isEqualTo("dense0_activation0");
            Symbol internals = relu.getInternals();
            assertThat(internals.listOutputs()).containsExactly("data", "dense0_weight", "dense0_bias",
                    "dense0_fwd_output", "dense0_activation0_output");
            assertThat(internals.get("dense0_fwd_output").name()).isEqualTo("dense0_fwd");
        }
    }

    @Test
    void batchNormMovingStatisticsAreAuxiliaryStates() {
        try (var ns = NameManager.fresh()) {
            Symbol bn = sym.batchNorm(Symbol.var("x"), null, null, null, null).get(0);
            assertThat(bn.listArguments()).containsExactly("x", "batchnorm0_gamma", "batchnorm0_beta");
            assertThat(bn.listAuxiliaryStates()).containsExactly("batchnorm0_moving_mean", "batchnorm0_moving_var");
            assertThat(bn.listInputs()).containsExactly("x", "batchnorm0_gamma", "batchnorm0_beta",
                    "batchnorm0_moving_mean", "batchnorm0_moving_var");
        }
    }

    @Test
    void createdVariablesCopyTheNodesAttributesAndTakeTheOpsDefaultInitializer() {
        try (var ns = NameManager.fresh()) {
            Symbol x = Symbol.var("x");
            Symbol bn = sym.batchNorm(x, Symbol.var("g"), null, null, null, Map.of("name", "bn", "eps", 1e-5,
                    "__group__", "g")).get(0);
            Map<String, Map<String, String>> attrs = bn.attrDict();
            assertThat(attrs.get("bn_beta")).containsExactlyInAnyOrderEntriesOf(Map.of("eps", "1e-05",
                    "__group__", "g"));
            assertThat(attrs.get("bn_moving_var")).containsEntry("__init__", "[\"one\", {}]")
                    .containsEntry("eps", "1e-05");
            assertThat(attrs).doesNotContainKey("g").doesNotContainKey("x");
            Symbol prelu = sym.leakyReLU(x, null, Map.of("act_type", "prelu", "name", "p"));
            assertThat(prelu.attrDict().get("p_gamma")).containsEntry("__init__", "[\"Constant\", {\"value\": 0.25}]");
        }
    }

    @Test
    void groupsSelectOutputsByIndexAndName() {
        Symbol a = Symbol.var("a");
        Symbol b = Symbol.var("b");
        Symbol g = Symbol.group(sym.relu(a, Map.of("name", "r")), b);
        assertThat(g.numOutputs()).isEqualTo(2);
        assertThat(g.listOutputs()).containsExactly("r_output", "b");
        assertThat(g.get(1).name()).isEqualTo("b");
        assertThat(g.name()).isNull();
        assertThatThrownBy(() -> sym.relu(g)).isInstanceOf(KilnException.class)
                .hasMessageContaining("group of 2 outputs");
        assertThatThrownBy(() -> g.get("nope")).hasMessageContaining("[r_output, b]");
    }

    @Test
    void variableKeywordsBecomeMXNetAnnotations() {
        Symbol w = Symbol.var("w", Map.of("shape", new int[] {128, 0}, "dtype", DType.FLOAT16, "lr_mult", 2.0,
                "init", "zeros", "__group__", "g1"));
        assertThat(w.listAttr()).containsEntry("__shape__", "(128, 0)").containsEntry("__dtype__", "2")
                .containsEntry("__lr_mult__", "2.0").containsEntry("__init__", "zeros")
                .containsEntry("__group__", "g1");
        assertThat(w.attr("__shape__")).isEqualTo("(128, 0)");
    }

    @Test
    void opAttributesAreListedInMXNetStringForm() {
        Symbol c = sym.convolution(Symbol.var("x"), null, null, dev.kiln.op.IntTuple.of(3, 3), 8,
                Map.of("name", "conv", "no_bias", true));
        assertThat(c.listAttr()).containsEntry("kernel", "(3, 3)").containsEntry("num_filter", "8")
                .containsEntry("no_bias", "True");
        assertThat(c.listArguments()).containsExactly("x", "conv_weight");
        assertThat(c.attrDict()).containsKey("conv");
    }

    @Test
    void sharedSubgraphsAppearOnceInTheGraph() {
        Symbol x = Symbol.var("x");
        Symbol r = sym.relu(x, Map.of("name", "r"));
        Symbol s = sym.elemwiseAdd(r, r, Map.of("name", "s"));
        assertThat(s.graph().size()).isEqualTo(3);
        assertThat(Symbol.fromGraph(s.graph()).graph()).isEqualTo(s.graph());
    }

    @Test
    void inferShapeFillsOutputsFromArguments() {
        Symbol fc = sym.fullyConnected(Symbol.var("x"), Symbol.var("w"), Symbol.var("b"), 4, Map.of("name", "fc"));
        var shapes = fc.inferShape(Map.of("x", Shape.of(2, 3), "w", Shape.of(4, 3), "b", Shape.of(4)));
        assertThat(shapes.outputs()).containsExactly(Shape.of(2, 4));
        assertThat(shapes.arguments()).containsExactly(Shape.of(2, 3), Shape.of(4, 3), Shape.of(4));
    }

    @Test
    void incompleteInferenceNamesUnknownArgumentsAndTheStoppingNode() {
        Symbol y = sym.broadcastAdd(sym.relu(Symbol.var("x"), Map.of("name", "r")), Symbol.var("b"),
                Map.of("name", "add"));
        assertThatThrownBy(() -> y.inferShape(Map.of("x", Shape.of(2, 3))))
                .hasMessageContaining("'b'").hasMessageContaining("node 'add' (broadcast_add)");
    }

    @Test
    void evalRunsTheGraphOnArrays() {
        Symbol x = Symbol.var("x");
        Symbol y = sym.relu(sym.elemwiseMul(x, x));
        NDArray in = NDArray.from(new float[] {-1, 2});
        List<NDArray> out = y.eval(Map.of("x", in));
        assertThat(out.get(0).toFloatArray()).containsExactly(1f, 4f);
        assertThat(Ops.call("relu", Ops.call("elemwise_mul", in, in)).toFloatArray()).containsExactly(1f, 4f);
    }

    @Test
    void composeReplacesArgumentsByOtherSymbols() {
        Symbol x = Symbol.var("x");
        Symbol net = sym.relu(sym.elemwiseMul(x, Symbol.var("w"), Map.of("name", "m")), Map.of("name", "r"));
        Symbol data = Symbol.var("data");
        Symbol applied = net.compose(Map.of("x", sym.negative(data, Map.of("name", "neg"))));
        assertThat(applied.listArguments()).containsExactly("data", "w");
        assertThat(net.listArguments()).containsExactly("x", "w");
        NDArray out = applied.eval(Map.of("data", NDArray.from(new float[] {1, -2}),
                "w", NDArray.from(new float[] {3, 3}))).get(0);
        assertThat(out.toFloatArray()).containsExactly(0f, 6f);
        assertThatThrownBy(() -> net.compose(Map.of("nope", data))).hasMessageContaining("[x, w]");
    }

    @Test
    void attrScopesAnnotateEveryNodeCreatedInsideAndNest() {
        Symbol outside;
        Symbol fc;
        try (var outer = AttrScope.of(Map.of("ctx_group", "stage1", "note", "a"))) {
            try (var inner = AttrScope.of(Map.of("note", "b"))) {
                fc = sym.fullyConnected(Symbol.var("x"), null, null, 2, Map.of("name", "fc"));
            }
            outside = Symbol.var("y");
        }
        Symbol after = Symbol.var("z");
        assertThat(fc.listAttr()).containsEntry("__ctx_group__", "stage1").containsEntry("note", "b");
        assertThat(fc.attrDict().get("fc_weight")).containsEntry("__ctx_group__", "stage1");
        assertThat(outside.listAttr()).containsEntry("note", "a");
        assertThat(after.listAttr()).isEmpty();
    }

    @Test
    void parameterShapesAreInferredBackwardFromTheDataThroughADeepNet() {
        try (var ns = NameManager.fresh()) {
            Symbol x = Symbol.var("data");
            Symbol c = sym.convolution(x, null, null, dev.kiln.op.IntTuple.of(3, 3), 8,
                    Map.of("name", "conv", "pad", dev.kiln.op.IntTuple.of(1, 1)));
            Symbol bn = sym.batchNorm(c, null, null, null, null, Map.of("name", "bn")).get(0);
            Symbol p = sym.pooling(sym.activation(bn, "relu"), Map.of("kernel", dev.kiln.op.IntTuple.of(2, 2),
                    "stride", dev.kiln.op.IntTuple.of(2, 2), "pool_type", "max"));
            Symbol out = sym.fullyConnected(p, null, null, 10, Map.of("name", "fc"));
            var shapes = out.inferShape(Map.of("data", Shape.of(4, 3, 8, 8)));
            assertThat(shapes.variables()).containsEntry("conv_weight", Shape.of(8, 3, 3, 3))
                    .containsEntry("conv_bias", Shape.of(8)).containsEntry("bn_gamma", Shape.of(8))
                    .containsEntry("fc_weight", Shape.of(10, 8 * 4 * 4)).containsEntry("fc_bias", Shape.of(10));
            assertThat(shapes.auxiliaryStates()).containsExactly(Shape.of(8), Shape.of(8));
            assertThat(shapes.outputs()).containsExactly(Shape.of(4, 10));
            var partial = out.inferShapePartial(Map.of("data", Shape.of(0, 3, 8, 8)));
            assertThat(partial.variables().get("fc_weight")).isEqualTo(Shape.of(10, 128));
            assertThat(partial.outputs().get(0)).isEqualTo(Shape.partial(-1, 10));
        }
    }

    @Test
    void mixedDtypeGraphsInferIndexAndWeightTypesSeparately() {
        Symbol idx = Symbol.var("idx", Map.of("dtype", DType.INT32));
        Symbol emb = sym.embedding(idx, Symbol.var("w"), 100, 16, Map.of("name", "emb", "dtype", "float16"));
        var types = emb.inferType(Map.of());
        assertThat(types.variables()).containsEntry("idx", DType.INT32).containsEntry("w", DType.FLOAT16);
        assertThat(types.outputs()).containsExactly(DType.FLOAT16);
        var shapes = emb.inferShape(Map.of("idx", Shape.of(2, 5)));
        assertThat(shapes.variables().get("w")).isEqualTo(Shape.of(100, 16));
        assertThat(shapes.outputs()).containsExactly(Shape.of(2, 5, 16));
    }

    @Test
    void contradictingShapesFailNamingTheNodeAndInput() {
        Symbol fc = sym.fullyConnected(Symbol.var("x"), Symbol.var("w"), null, 4, Map.of("name", "fc1",
                "no_bias", true));
        assertThatThrownBy(() -> fc.inferShape(Map.of("x", Shape.of(2, 3), "w", Shape.of(4, 5))))
                .isInstanceOf(KilnException.class).hasMessageContaining("fc1").hasMessageContaining("weight")
                .hasMessageContaining("(4, 5)");
    }

    @Test
    void hiddenKeysGivenAsOpAttributesBecomeAnnotations() {
        Symbol fc = sym.fullyConnected(Symbol.var("x"), null, null, 2, Map.of("name", "fc", "lr_mult", 2.0,
                "ctx_group", "dev1"));
        assertThat(fc.listAttr()).containsEntry("__lr_mult__", "2.0").containsEntry("__ctx_group__", "dev1")
                .containsEntry("num_hidden", "2").doesNotContainKey("lr_mult");
    }
}
