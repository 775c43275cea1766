package dev.kiln.symbol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeOriginsPlumbingTest {

    @Test
    void opMachineryGraphsTheJdkAndTheBlockInternalsAreNotCallSites() {
        assertThat(NodeOrigins.isPlumbing("dev.kiln.symbol.Sym")).isTrue();
        assertThat(NodeOrigins.isPlumbing("dev.kiln.op.OpBackend")).isTrue();
        assertThat(NodeOrigins.isPlumbing("dev.kiln.op.surface.ElementwiseF")).isTrue();
        assertThat(NodeOrigins.isPlumbing("dev.kiln.graph.infer.ShapeInference")).isTrue();
        assertThat(NodeOrigins.isPlumbing("java.util.stream.ReferencePipeline$3$1")).isTrue();
        assertThat(NodeOrigins.isPlumbing("dev.kiln.block.HybridBlock")).isTrue();
        assertThat(NodeOrigins.isPlumbing("dev.kiln.block.HybridBlock$Inner")).isTrue();
        assertThat(NodeOrigins.isPlumbing("dev.kiln.block.OpCall")).isTrue();
    }

    @Test
    void layersUserCodeAndLookAlikePackagesAreCallSites() {
        assertThat(NodeOrigins.isPlumbing("dev.kiln.nn.Dense")).isFalse();
        assertThat(NodeOrigins.isPlumbing("dev.kiln.block.HybridSequential")).isFalse();
        assertThat(NodeOrigins.isPlumbing("dev.kiln.block.HybridBlockTest")).isFalse();
        assertThat(NodeOrigins.isPlumbing("dev.kiln.optim.Sgd")).isFalse();
        assertThat(NodeOrigins.isPlumbing("dev.kiln.graphs.Mine")).isFalse();
        assertThat(NodeOrigins.isPlumbing("com.acme.MyLayer")).isFalse();
        assertThat(NodeOrigins.isPlumbing("TopLevel")).isFalse();
    }
}
