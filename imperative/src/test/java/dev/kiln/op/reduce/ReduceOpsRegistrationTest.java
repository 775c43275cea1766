package dev.kiln.op.reduce;

import dev.kiln.op.OpFamily;
import dev.kiln.op.OpRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReduceOpsRegistrationTest {

    @Test
    void mxnetAliasesNameTheSameDefinition() {
        OpRegistry r = OpRegistry.global();
        String[][] pairs = {{"sum", "sum_axis"}, {"max", "max_axis"}, {"min", "min_axis"}, {"_np_cumsum", "cumsum"},
                {"sort", "_npi_sort"}, {"argsort", "_npi_argsort"}, {"topk", "_npx_topk"}};
        for (String[] p : pairs) {
            assertThat(r.get(p[1])).as(p[1]).isSameAs(r.get(p[0]));
            assertThat(r.get(p[0]).name()).isEqualTo(p[0]);
        }
    }

    @Test
    void everyReduceOpIsRegisteredUnderTheReduceFamily() {
        for (var op : new ReduceOps().ops()) {
            assertThat(OpRegistry.global().get(op.name())).hasSameClassAs(op);
            assertThat(OpRegistry.global().get(op.name()).aliases()).isEqualTo(op.aliases());
            assertThat(op.family()).isEqualTo(OpFamily.REDUCE);
        }
    }

    @Test
    void defaultsFollowMXNet() {
        var topk = OpRegistry.global().get("topk").defaultAttrs().values();
        assertThat(topk).containsEntry("axis", -1).containsEntry("k", 1).containsEntry("ret_typ", "indices")
                .containsEntry("is_ascend", false).containsEntry("dtype", dev.kiln.ndarray.DType.FLOAT32);
        var norm = OpRegistry.global().get("norm").defaultAttrs().values();
        assertThat(norm).containsEntry("ord", 2).containsEntry("axis", null).containsEntry("out_dtype", null)
                .containsEntry("keepdims", false);
        assertThat(OpRegistry.global().get("argsort").defaultAttrs().values()).containsEntry("is_ascend", true);
    }
}
