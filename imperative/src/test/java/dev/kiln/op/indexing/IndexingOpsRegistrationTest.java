package dev.kiln.op.indexing;

import dev.kiln.op.OpFamily;
import dev.kiln.op.OpRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IndexingOpsRegistrationTest {

    @Test
    void mxnetAliasesNameTheSameDefinition() {
        OpRegistry r = OpRegistry.global();
        String[][] pairs = {{"take", "_npi_take"}, {"pick", "choose_element_0index"}, {"pick", "_npx_pick"},
                {"gather_nd", "_npi_gather_nd"}, {"gather_nd", "_npx_gather_nd"}, {"one_hot", "_npx_one_hot"},
                {"clip", "_npi_clip"}, {"SequenceMask", "_npx_sequence_mask"}, {"Embedding", "_npx_embedding"}};
        for (String[] p : pairs) {
            assertThat(r.get(p[1])).as(p[1]).isSameAs(r.get(p[0]));
        }
    }

    @Test
    void everyIndexingOpIsRegisteredUnderTheIndexingFamily() {
        for (var op : new IndexingOps().ops()) {
            assertThat(OpRegistry.global().get(op.name())).hasSameClassAs(op);
            assertThat(OpRegistry.global().get(op.name()).aliases()).isEqualTo(op.aliases());
            assertThat(op.family()).isEqualTo(OpFamily.INDEXING);
        }
    }

    @Test
    void defaultsFollowMXNet() {
        assertThat(OpRegistry.global().get("take").defaultAttrs().values()).containsEntry("axis", 0)
                .containsEntry("mode", "clip");
        assertThat(OpRegistry.global().get("pick").defaultAttrs().values()).containsEntry("axis", -1)
                .containsEntry("keepdims", false).containsEntry("mode", "clip");
        assertThat(OpRegistry.global().get("SequenceMask").defaultAttrs().values())
                .containsEntry("use_sequence_length", false).containsEntry("value", 0.0).containsEntry("axis", 0);
        assertThat(OpRegistry.global().get("Embedding").attrs(java.util.Map.of("input_dim", 3, "output_dim", 2))
                .values()).containsEntry("dtype", dev.kiln.ndarray.DType.FLOAT32).containsEntry("sparse_grad", false);
    }
}
