package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.init.Constant;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.DeferredInitializationException;
import dev.kiln.parameter.ParameterSpec;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@org.junit.jupiter.api.extension.ExtendWith(dev.kiln.testing.FreshNames.class)
class HybridBlockTest {
    private static HybridSequential mlp() {
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(new TinyDense(4, 0), new TinyDense(2, 0));
        }
        return net;
    }

    private static NDArray input() {
        return NDArray.of(Shape.of(2, 3), 1f, 2f, 3f, 4f, 5f, 6f);
    }

    @Test
    void blocksAreNamedAsGluonNamesThem() {
        HybridSequential net = mlp();
        assertThat(net.prefix()).isEqualTo("hybridsequential0_");
        assertThat(net.name()).isEqualTo("hybridsequential0");
        assertThat(net.get(1).prefix()).isEqualTo("hybridsequential0_dense1_");
        assertThat(net.collectParams().keys()).containsExactly("hybridsequential0_dense0_weight",
                "hybridsequential0_dense0_bias", "hybridsequential0_dense1_weight", "hybridsequential0_dense1_bias");
        assertThat(mlp().prefix()).isEqualTo("hybridsequential1_");
        assertThat(mlp().get(0).prefix()).isEqualTo("hybridsequential2_dense0_");
    }

    @Test
    void firstEagerForwardCompletesDeferredParametersAndComputes() {
        HybridSequential net = mlp();
        net.initialize(new Constant(0.5));
        var w0 = net.collectParams().parameter("hybridsequential0_dense0_weight");
        assertThat(w0.isDeferred()).isTrue();
        NDArray y = net.call(input());
        assertThat(w0.data()).hasShape(4, 3);
        // layer 1: each unit = 0.5 * row sum (6 or 15); layer 2: 0.5 * 4 units
        assertThat(y).hasShape(2, 2).isCloseTo(new double[] {6, 6, 15, 15}, 1e-6, 0);
    }

    @Test
    void symbolicCallComposesTheSameComputationWithGluonNodeNames() {
        HybridSequential net = mlp();
        net.initialize(new Constant(0.5));
        NDArray eager = net.call(input());
        Symbol out = net.call(Symbol.var("data"));
        assertThat(out.name()).isEqualTo("hybridsequential0_dense1_fwd");
        assertThat(out.listArguments()).containsExactly("data", "hybridsequential0_dense0_weight",
                "hybridsequential0_dense0_bias", "hybridsequential0_dense1_weight", "hybridsequential0_dense1_bias");
        Map<String, NDArray> args = new java.util.LinkedHashMap<>();
        args.put("data", input());
        net.collectParams().asMap().forEach((k, p) -> args.put(k, p.data()));
        assertThat(out.eval(args).get(0)).isCloseTo(eager, 1e-6, 0);
    }

    @Test
    void uninitialisedParametersAreListedByBlockPathBeforeTheFirstForward() {
        HybridSequential net = mlp();
        assertThatThrownBy(() -> net.call(input()))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("hybridsequential0.0.weight (hybridsequential0_dense0_weight)")
                .hasMessageContaining("hybridsequential0.1.bias").hasMessageContaining("initialize()");
    }

    @Test
    void inferShapeGivesOutputShapesWithoutRunningAndCompletesParameters() {
        HybridSequential net = mlp();
        net.initialize(new Constant(1));
        assertThat(net.inferShape(Shape.of(7, 3))).containsExactly(Shape.of(7, 2));
        assertThat(net.collectParams().parameter("hybridsequential0_dense1_weight").data()).hasShape(2, 4);
    }

    @Test
    void anOpErrorInAChildNamesTheChildsPath() {
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(new TinyDense(4, 3), new TinyDense(2, 0));
        }
        net.initialize(new Constant(1));
        assertThatThrownBy(() -> net.call(NDArray.zeros(2, 5)))
                .isInstanceOf(BlockForwardException.class)
                .hasMessageContaining("in block 'hybridsequential0.0' (TinyDense)")
                .hasMessageContaining("FullyConnected").hasMessageContaining("(2, 5)");
    }

    /** Adds a deferred (3, 0) parameter to its input. */
    static final class Offset extends HybridBlock {
        final dev.kiln.parameter.Parameter offset =
                param("offset", ParameterSpec.of().shape(3, 0).allowDeferredInit(true));

        @Override
        protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
            return F.elemwiseAdd(x, p.get("offset"), Map.of("name", "add"));
        }
    }

    @Test
    void failedDeferredInferenceNamesBlockPathParameterAndTheOpAsCause() {
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(new TinyDense(4, 0), new Offset());
        }
        net.initialize(new Constant(1));
        assertThatThrownBy(() -> net.call(NDArray.zeros(2, 5)))
                .isInstanceOf(DeferredInitializationException.class)
                .hasMessageContaining("'hybridsequential0.1'").hasMessageContaining("hybridsequential0_offset0_offset")
                .hasMessageContaining("(3, 0)").cause().hasMessageContaining("hybridsequential0_offset0_add");
    }

    @Test
    void structuralParameterFilesLoadIntoDifferentlyNamedInstances(@org.junit.jupiter.api.io.TempDir
                                                                    java.nio.file.Path dir) {
        HybridSequential a = mlp();
        a.initialize(new dev.kiln.init.Normal(1));
        NDArray expected = a.call(input());
        assertThat(a.collectParamsByPath().keySet()).containsExactly("0.weight", "0.bias", "1.weight", "1.bias");
        a.saveParameters(dir.resolve("mlp.params"));

        HybridSequential b = mlp();
        assertThat(b.prefix()).isNotEqualTo(a.prefix());
        b.initialize();
        b.loadParameters(dir.resolve("mlp.params"));
        assertThat(b.call(input())).isCloseTo(expected, 1e-6, 0);

        a.collectParams().save(dir.resolve("legacy.params"), a.prefix());
        HybridSequential c = mlp();
        c.initialize();
        c.loadParameters(dir.resolve("legacy.params"));
        assertThat(c.call(input())).isCloseTo(expected, 1e-6, 0);
    }

    @Test
    void hooksSeeInputsAndOutputsAndDetach() {
        HybridSequential net = mlp();
        net.initialize(new Constant(1));
        List<String> seen = new ArrayList<>();
        HookHandle pre = net.get(0).registerForwardPreHook((b, in) -> seen.add("pre " + b.name()));
        HookHandle post = net.get(0).registerForwardHook((b, in, out) ->
                seen.add("post " + ((NDArray) out.get(0)).shape()));
        net.call(input());
        pre.detach();
        post.close();
        net.call(input());
        assertThat(seen).containsExactly("pre hybridsequential0_dense0", "post (2, 4)");
    }

    @Test
    void applyVisitsChildrenFirstAndCastChangesEveryParameter() {
        HybridSequential net = mlp();
        List<String> order = new ArrayList<>();
        net.apply(b -> order.add(b.name()));
        assertThat(order).containsExactly("hybridsequential0_dense0", "hybridsequential0_dense1", "hybridsequential0");
        net.initialize(new Constant(1));
        net.call(input());
        net.cast(DType.FLOAT64);
        assertThat(net.collectParams().parameter("hybridsequential0_dense0_weight").data().dtype())
                .isEqualTo(DType.FLOAT64);
    }

    @Test
    void sharedParamsMakeTwoLayersUseTheSameWeights() {
        TinyDense first = new TinyDense(3, 2);
        TinyDense second = new TinyDense(3, 2, null, first.params());
        assertThat(second.weight).isSameAs(first.weight);
        first.initialize(new Constant(1));
        assertThat(second.call(NDArray.ones(1, 2))).isCloseTo(new double[] {2, 2, 2}, 1e-6, 0);
    }

    @Test
    void summaryTabulatesLayersShapesAndParameterCounts() {
        HybridSequential net = mlp();
        net.initialize(new Constant(1));
        String s = net.summary(input());
        assertThat(s).contains("Layer (type)").contains("TinyDense-1").contains("TinyDense-2")
                .contains("(2, 4)").contains("(2, 2)")
                .contains("Total params: 26").contains("Trainable params: 26").contains("Non-trainable params: 0");
        assertThat(s).doesNotContain("HybridSequential-");
    }

    /** Two inputs (the second optional), two outputs. */
    static final class AddAndScale extends HybridBlock {
        @Override
        protected <T> List<T> hybridForward(F<T> F, List<T> in, ParameterValues<T> p) {
            T x = in.get(0);
            T sum = in.get(1) == null ? x : F.elemwiseAdd(x, in.get(1));
            return List.of(sum, F.mulScalar(sum, Map.of("scalar", 2.0)));
        }
    }

    @Test
    void severalInputsOptionalInputsAndSeveralOutputs() {
        AddAndScale b = new AddAndScale();
        List<NDArray> out = b.callAll(Arrays.asList(NDArray.ones(2), NDArray.ones(2)));
        assertThat(out.get(0)).isCloseTo(new double[] {2, 2}, 0, 0);
        assertThat(out.get(1)).isCloseTo(new double[] {4, 4}, 0, 0);
        List<NDArray> optional = b.callAll(Arrays.asList(NDArray.ones(2), null));
        assertThat(optional.get(1)).isCloseTo(new double[] {2, 2}, 0, 0);
        Symbol traced = b.trace(true, true);
        assertThat(traced.listArguments()).containsExactly("data0", "data1");
        assertThat(traced.listOutputs()).hasSize(2);
        assertThatThrownBy(() -> b.call(NDArray.ones(2), NDArray.ones(2))).hasMessageContaining("callAll");
    }
}
