package dev.kiln.compiler.pass;

import dev.kiln.graph.Graph;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static dev.kiln.compiler.pass.FoldingTesting.assertCloseOutputs;
import static dev.kiln.compiler.pass.PassTesting.apply;
import static dev.kiln.compiler.pass.PassTesting.context;
import static dev.kiln.compiler.pass.PassTesting.lines;
import static dev.kiln.compiler.pass.PassTesting.nodesApplying;
import static dev.kiln.compiler.pass.PassTesting.op;
import static dev.kiln.compiler.pass.PassTesting.var;
import static org.assertj.core.api.Assertions.assertThat;

class ScaleBiasFoldingTest {
    private static PassContext chainContext() {
        return context("x", Shape.of(2, 3), "a", Shape.of(1, 3), "b", Shape.of(3), "c", Shape.of(2, 1))
                .parameters(Set.of("a", "b", "c")).build();
    }

    private static Graph chain() {
        return op("broadcast_mul", "times_c", op("broadcast_add", "plus_b", op("broadcast_mul", "times_a",
                var("x"), var("a")), var("b")), var("c")).graph();
    }

    @Test
    void collapsesAScaleBiasScaleChainIntoOneMultiplyAndOneAdd() {
        Graph g = chain();
        PassContext ctx = chainContext();

        Graph out = apply("fold-scale", g, ctx);

        assertThat(out.toString()).isEqualTo(lines(
                "%0 = var x",
                "%1 = var a",
                "%2 = var b",
                "%3 = var c",
                "%4 = broadcast_mul(%1, %3)  # times_c_scaled_scale",
                "%5 = broadcast_mul(%0, %4)  # times_c_scaled",
                "%6 = broadcast_mul(%2, %3)  # times_c_shift",
                "%7 = broadcast_add(%5, %6)  # times_c",
                "outputs: %7"));
        assertCloseOutputs(g, out, ctx);
    }

    @Test
    void leavesChainsWhoseOperandsAreNotParametersOrWhoseInnerValueIsShared() {
        Graph g = chain();
        PassContext noParameters = context("x", Shape.of(2, 3), "a", Shape.of(1, 3), "b", Shape.of(3), "c",
                Shape.of(2, 1)).build();
        assertThat(apply("fold-scale", g, noParameters)).isSameAs(g);

        Symbol timesA = op("broadcast_mul", "times_a", var("x"), var("a"));
        Graph shared = op("elemwise_add", "sum", op("broadcast_mul", "times_c", timesA, var("c")), timesA).graph();
        PassContext ctx = chainContext();
        Graph sharedCtxGraph = shared;
        assertThat(apply("fold-scale", sharedCtxGraph, context("x", Shape.of(2, 3), "a", Shape.of(1, 3), "c",
                Shape.of(1, 3)).parameters(Set.of("a", "c")).build())).isSameAs(shared);
        assertThat(apply("fold-scale", chain(), context("x", Shape.of(2, 3), "a", Shape.of(1, 3), "b",
                Shape.of(3), "c", Shape.of(2, 1)).parameters(Set.of("a", "b", "c")).training(true).build()))
                .as("training").isEqualTo(chain());
        assertThat(ctx.parameters()).contains("a");
    }

    @Test
    void foldsScalarChainsIntoOneMultiplyAndOneAdd() {
        Graph g = op("_mul_scalar", "s3", Map.of("scalar", 4.0), op("_plus_scalar", "s2", Map.of("scalar", 3.0),
                op("_mul_scalar", "s1", Map.of("scalar", 2.0), var("x")))).graph();
        PassContext ctx = context("x", Shape.of(2, 3)).build();

        Graph out = apply("fold-scale", g, ctx);

        assertThat(out.toString()).isEqualTo(lines(
                "%0 = var x",
                "%1 = _mul_scalar[scalar=8.0](%0)  # s3_scaled",
                "%2 = _plus_scalar[scalar=12.0](%1)  # s3",
                "outputs: %2"));
        assertCloseOutputs(g, out, ctx);
    }

    @Test
    void foldsAPerChannelScaleAndBiasAfterAConvolutionIntoItsWeightAndBias() {
        Symbol conv = op("Convolution", "conv", Map.of("kernel", new int[] {1, 1}, "num_filter", 4), var("x"),
                var("w"), var("b"));
        Graph g = op("relu", "act", op("broadcast_add", "shifted", op("broadcast_mul", "scaled", conv,
                var("s")), var("t"))).graph();
        PassContext ctx = context("x", Shape.of(2, 3, 4, 4), "w", Shape.of(4, 3, 1, 1), "b", Shape.of(4), "s",
                Shape.of(1, 4, 1, 1), "t", Shape.of(4, 1, 1)).parameters(Set.of("w", "b", "s", "t")).build();

        Graph out = apply("fold-scale", g, ctx);

        assertThat(nodesApplying(out, "Convolution")).containsExactly("conv");
        assertThat(out.toString()).isEqualTo(lines(
                "%0 = var x",
                "%1 = var w",
                "%2 = var b",
                "%3 = var s",
                "%4 = Reshape[shape=(-1,)](%3)  # scaled_channels",
                "%5 = broadcast_mul(%2, %4)  # scaled_bias",
                "%6 = Reshape[shape=(-1, 1, 1, 1)](%4)  # scaled_scale_w",
                "%7 = broadcast_mul(%1, %6)  # scaled_weight",
                "%8 = var t",
                "%9 = Reshape[shape=(-1,)](%8)  # shifted_channels",
                "%10 = broadcast_add(%5, %9)  # shifted_bias",
                "%11 = Convolution[kernel=(1, 1), num_filter=4, no_bias=False](%0, %7, %10)  # conv",
                "%12 = relu(%11)  # act",
                "outputs: %12"));
        assertCloseOutputs(g, out, ctx);
    }

    @Test
    void foldsAPerChannelScaleAndBiasAfterADeconvolutionAlongItsWeightsSecondAxis() {
        Symbol up = op("Deconvolution", "up", Map.of("kernel", new int[] {2, 2}, "stride", new int[] {2, 2},
                "num_filter", 4, "no_bias", false), var("x"), var("w"), var("b"));
        Graph g = op("broadcast_add", "shifted", op("broadcast_mul", "scaled", up, var("s")), var("t")).graph();
        PassContext ctx = context("x", Shape.of(2, 3, 4, 4), "w", Shape.of(3, 4, 2, 2), "b", Shape.of(4), "s",
                Shape.of(1, 4, 1, 1), "t", Shape.of(4, 1, 1)).parameters(Set.of("w", "b", "s", "t")).build();

        Graph out = apply("fold-scale", g, ctx);

        assertThat(nodesApplying(out, "broadcast_mul")).doesNotContain("scaled");
        assertThat(nodesApplying(out, "broadcast_add")).doesNotContain("shifted");
        assertThat(out.toString()).contains("Reshape[shape=(1, -1, 1, 1)](%4)  # scaled_scale_w");
        assertCloseOutputs(g, out, ctx);
    }

    @Test
    void leavesAScaleThatIsNotPerChannelOrAConvolutionWithAnotherReader() {
        Symbol conv = op("Convolution", "conv", Map.of("kernel", new int[] {1, 1}, "num_filter", 4), var("x"),
                var("w"), var("b"));
        PassContext ctx = context("x", Shape.of(2, 3, 4, 4), "w", Shape.of(4, 3, 1, 1), "b", Shape.of(4), "s",
                Shape.of(1, 4, 1, 4)).parameters(Set.of("w", "b", "s")).build();
        Graph spatial = op("broadcast_mul", "scaled", conv, var("s")).graph();
        assertThat(apply("fold-scale", spatial, ctx)).isSameAs(spatial);

        PassContext perChannel = context("x", Shape.of(2, 3, 4, 4), "w", Shape.of(4, 3, 1, 1), "b", Shape.of(4),
                "s", Shape.of(1, 4, 1, 1)).parameters(Set.of("w", "b", "s")).build();
        Graph shared = op("elemwise_add", "sum", op("broadcast_mul", "scaled", conv, var("s")), conv).graph();
        assertThat(apply("fold-scale", shared, perChannel)).isSameAs(shared);
    }
}
