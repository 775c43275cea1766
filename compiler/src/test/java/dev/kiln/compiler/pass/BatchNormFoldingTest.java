package dev.kiln.compiler.pass;

import dev.kiln.graph.Graph;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.kiln.compiler.pass.FoldingTesting.assertCloseOutputs;
import static dev.kiln.compiler.pass.FoldingTesting.convBatchNorm;
import static dev.kiln.compiler.pass.FoldingTesting.convContext;
import static dev.kiln.compiler.pass.PassTesting.apply;
import static dev.kiln.compiler.pass.PassTesting.lines;
import static dev.kiln.compiler.pass.PassTesting.nodesApplying;
import static dev.kiln.compiler.pass.PassTesting.op;
import static dev.kiln.compiler.pass.PassTesting.var;
import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;

class BatchNormFoldingTest {
    @Test
    void foldsBatchNormIntoTheConvolutionBeforeIt() {
        Graph g = convBatchNorm(false, false).graph();
        PassContext ctx = convContext().build();

        Graph out = apply("fold-batchnorm", g, ctx);

        assertThat(out.toString()).isEqualTo(lines(
                "%0 = var x",
                "%1 = var w",
                "%2 = var b",
                "%3 = var gamma",
                "%4 = var beta",
                "%5 = var mean",
                "%6 = var var",
                "%7 = _plus_scalar[scalar=0.001](%6)  # bn_var_eps",
                "%8 = rsqrt(%7)  # bn_inv_std",
                "%9 = broadcast_mul(%3, %8)  # bn_scale",
                "%10 = broadcast_sub(%2, %5)  # bn_centred",
                "%11 = broadcast_mul(%10, %9)  # bn_shift",
                "%12 = broadcast_add(%11, %4)  # bn_bias",
                "%13 = Reshape[shape=(-1, 1, 1, 1)](%9)  # bn_scale_w",
                "%14 = broadcast_mul(%1, %13)  # bn_weight",
                "%15 = Convolution[kernel=(3, 3), pad=(1, 1), num_filter=4, no_bias=False](%0, %14, %12)  # conv",
                "outputs: %15"));
        assertCloseOutputs(g, out, ctx);
    }

    @Test
    void foldsBatchNormIntoADeconvolutionAlongItsWeightsOutputAxis() {
        for (boolean noBias : new boolean[] {false, true}) {
            Map<String, Object> attrs = new java.util.LinkedHashMap<>(Map.of("kernel", new int[] {2, 2},
                    "stride", new int[] {2, 2}, "num_filter", 4, "no_bias", noBias));
            Symbol deconv = noBias ? op("Deconvolution", "up", attrs, var("x"), var("w"))
                    : op("Deconvolution", "up", attrs, var("x"), var("w"), var("b"));
            Graph g = op("BatchNorm", "bn", Map.of("eps", 1e-3, "fix_gamma", false), deconv, var("gamma"),
                    var("beta"), var("mean"), var("var")).graph();
            PassContext.Builder b = PassTesting.context("x", Shape.of(2, 3, 5, 5), "w", Shape.of(3, 4, 2, 2),
                    "gamma", Shape.of(4), "beta", Shape.of(4), "mean", Shape.of(4), "var", Shape.of(4))
                    .parameters(Set.of("w", "gamma", "beta", "mean", "var"));
            PassContext ctx = (noBias ? b : b.shape("b", Shape.of(4)).dtype("b", DType.FLOAT32)
                    .parameters(Set.of("b"))).build();

            Graph out = apply("fold-batchnorm", g, ctx);

            assertThat(nodesApplying(out, "BatchNorm")).as("no_bias=%s", noBias).isEmpty();
            assertThat(out.toString()).contains("Reshape[shape=(1, -1, 1, 1)]").contains("no_bias=False]");
            assertCloseOutputs(g, out, ctx);
        }
    }

    @Test
    void aDeconvolutionOfSeveralGroupsKeepsItsBatchNorm() {
        Map<String, Object> attrs = Map.of("kernel", new int[] {2, 2}, "stride", new int[] {2, 2}, "num_filter", 4,
                "num_group", 2, "no_bias", true);
        Graph g = op("BatchNorm", "bn", Map.of("eps", 1e-3), op("Deconvolution", "up", attrs, var("x"), var("w")),
                var("gamma"), var("beta"), var("mean"), var("var")).graph();
        PassContext ctx = PassTesting.context("x", Shape.of(2, 4, 5, 5), "w", Shape.of(4, 2, 2, 2),
                "gamma", Shape.of(4), "beta", Shape.of(4), "mean", Shape.of(4), "var", Shape.of(4))
                .parameters(Set.of("w", "gamma", "beta", "mean", "var")).build();

        assertThat(nodesApplying(apply("fold-batchnorm", g, ctx), "BatchNorm")).hasSize(1);
    }

    @Test
    void withFixGammaTheScaleIgnoresGamma() {
        Graph g = convBatchNorm(false, true).graph();
        PassContext ctx = convContext().build();

        Graph out = apply("fold-batchnorm", g, ctx);

        assertThat(nodesApplying(out, "BatchNorm")).isEmpty();
        assertThat(out.toString()).contains("%13 = broadcast_mul(%1, %12)  # bn_weight")
                .contains("%12 = Reshape[shape=(-1, 1, 1, 1)](%8)  # bn_scale_w")
                .doesNotContain("(%3, ");
        assertCloseOutputs(g, out, ctx);
    }

    @Test
    void aConvolutionWithoutBiasGainsTheFoldedBias() {
        Graph g = convBatchNorm(true, false).graph();
        PassContext ctx = convContext(true).build();

        Graph out = apply("fold-batchnorm", g, ctx);

        assertThat(out.toString()).contains("%9 = broadcast_mul(%4, %8)  # bn_shift")
                .contains("%10 = broadcast_sub(%3, %9)  # bn_bias")
                .contains("no_bias=False](%0, %12, %10)  # conv");
        assertCloseOutputs(g, out, ctx);
        Graph fixed = convBatchNorm(true, true).graph();
        assertCloseOutputs(fixed, apply("fold-batchnorm", fixed, ctx), ctx);
    }

    @Test
    void foldsIntoFullyConnectedWithAndWithoutBias() {
        for (boolean noBias : new boolean[] {false, true}) {
            Symbol fc = noBias ? op("FullyConnected", "fc", Map.of("num_hidden", 4, "no_bias", true), var("x"),
                    var("w")) : op("FullyConnected", "fc", Map.of("num_hidden", 4), var("x"), var("w"), var("b"));
            Graph g = op("relu", "act", op("BatchNorm", "bn", Map.of("fix_gamma", false, "eps", 1e-5), fc,
                    var("gamma"), var("beta"), var("mean"), var("var"))).graph();
            PassContext.Builder b = PassTesting.context("x", Shape.of(3, 5), "w", Shape.of(4, 5),
                    "gamma", Shape.of(4), "beta", Shape.of(4), "mean", Shape.of(4), "var", Shape.of(4))
                    .parameters(Set.of("w", "gamma", "beta", "mean", "var"));
            PassContext ctx = (noBias ? b : b.shape("b", Shape.of(4)).dtype("b", DType.FLOAT32)).build();

            Graph out = apply("fold-batchnorm", g, ctx);

            assertThat(nodesApplying(out, "BatchNorm")).as("no_bias=" + noBias).isEmpty();
            assertThat(out.toString()).contains("Reshape[shape=(-1, 1)]");
            assertCloseOutputs(g, out, ctx);
        }
    }

    @Test
    void leavesBatchNormWhenTheConvolutionOutputHasAnotherReader() {
        Symbol bn = convBatchNorm(false, false);
        Symbol conv = bn.getChildren().get(0);
        Graph g = op("elemwise_add", "sum", bn, conv).graph();

        assertThat(apply("fold-batchnorm", g, convContext().build())).isSameAs(g);
    }

    @Test
    void leavesBatchNormInTrainingAndWhenAGradientIsBuilt() {
        Graph g = convBatchNorm(false, false).graph();

        assertThat(apply("fold-batchnorm", g, convContext().training(true).build())).isSameAs(g);
        assertThat(apply("fold-batchnorm", g, convContext().differentiated(true).build())).isSameAs(g);
    }

    @Test
    void leavesBatchNormWhoseMeanOutputIsReadOrWhoseAxisIsNotTheChannels() {
        List<Symbol> bn = sym.apply("BatchNorm", Map.of("name", "bn", "output_mean_var", true), List.of(
                op("Convolution", "conv", Map.of("kernel", new int[] {3, 3}, "num_filter", 4, "pad",
                        new int[] {1, 1}), var("x"), var("w"), var("b")), var("gamma"), var("beta"), var("mean"),
                var("var")));
        Graph withMean = Symbol.group(bn.get(0), bn.get(1)).graph();
        assertThat(apply("fold-batchnorm", withMean, convContext().build())).isSameAs(withMean);

        Graph lastAxis = op("BatchNorm", "bn", Map.of("axis", -1), op("Convolution", "conv",
                Map.of("kernel", new int[] {3, 3}, "num_filter", 4, "pad", new int[] {1, 1}), var("x"), var("w"),
                var("b")), var("gamma"), var("beta"), var("mean"), var("var")).graph();
        PassContext ctx = PassTesting.context("x", Shape.of(2, 3, 4, 4), "w", Shape.of(4, 3, 3, 3), "b",
                Shape.of(4), "gamma", Shape.of(4), "beta", Shape.of(4), "mean", Shape.of(4), "var", Shape.of(4))
                .build();
        assertThat(apply("fold-batchnorm", lastAxis, ctx)).isSameAs(lastAxis);
    }

    @Test
    void theInferencePipelineFoldsAndTheTrainingPipelineDoesNot() {
        Graph g = op("relu", "act", convBatchNorm(false, false)).graph();

        Graph inference = PassPipeline.standard(false).run(g, convContext().build()).graph();
        Graph training = PassPipeline.standard(true).run(g, convContext().training(true).build()).graph();

        assertThat(nodesApplying(inference, "BatchNorm")).isEmpty();
        assertThat(nodesApplying(inference, "Convolution")).containsExactly("conv");
        assertThat(nodesApplying(training, "BatchNorm")).containsExactly("bn");
        assertCloseOutputs(g, inference, convContext().build());
    }
}
