package dev.kiln.symbol;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class NodeOriginsPlumbingTest {

    @ParameterizedTest
    @ValueSource(strings = {"dev.kiln.symbol.Sym", "dev.kiln.op.OpBackend", "dev.kiln.op.surface.ElementwiseF",
            "dev.kiln.graph.infer.ShapeInference", "java.util.stream.ReferencePipeline$3$1",
            "dev.kiln.block.HybridBlock", "dev.kiln.block.HybridBlock$Inner", "dev.kiln.block.OpCall"})
    void opMachineryGraphsTheJdkAndTheBlockInternalsAreNotCallSites(String className) {
        assertThat(NodeOrigins.isPlumbing(className)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev.kiln.nn.Dense", "dev.kiln.block.HybridSequential", "dev.kiln.block.HybridBlockTest",
            "dev.kiln.optim.Sgd", "dev.kiln.graphs.Mine", "com.acme.MyLayer", "TopLevel"})
    void layersUserCodeAndLookAlikePackagesAreCallSites(String className) {
        assertThat(NodeOrigins.isPlumbing(className)).isFalse();
    }
}
