package dev.kiln.op.shape;

import dev.kiln.op.AttrSpec;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.OpRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ShapeOpsRegistryTest {

    @ParameterizedTest(name = "{1} -> {0}")
    @CsvSource({
            "Reshape, reshape", "Flatten, flatten", "SwapAxis, swapaxes", "Concat, concat", "SliceChannel, split",
            "slice, crop", "Pad, pad", "reverse, flip", "broadcast_axis, broadcast_axes", "Cast, cast",
            "BlockGrad, stop_gradient", "_copy, identity"})
    void aliasesNameTheSameDefinition(String name, String alias) {
        OpRegistry r = OpRegistry.global();
        assertThat(r.get(alias)).isSameAs(r.get(name));
        assertThat(r.get(name).name()).isEqualTo(name);
        assertThat(r.get(name).family()).isEqualTo(OpFamily.SHAPE);
    }

    @Test
    void everyOpOfTheFamilyIsRegisteredOnce() {
        List<OpDef> ops = new ShapeOps().ops();
        assertThat(ops).extracting(OpDef::name).doesNotHaveDuplicates().contains("reshape_like", "expand_dims",
                "squeeze", "transpose", "stack", "_split_v2", "slice_axis", "slice_like", "tile", "repeat",
                "broadcast_to", "broadcast_like", "shape_array", "size_array", "diag", "zeros_like", "ones_like");
        for (OpDef op : ops) {
            assertThat(OpRegistry.global().get(op.name()).getClass()).isEqualTo(op.getClass());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Reshape        | shape reverse target_shape keep_highest",
            "reshape_like   | lhs_begin lhs_end rhs_begin rhs_end",
            "Concat         | num_args dim",
            "stack          | axis num_args",
            "SliceChannel   | num_outputs axis squeeze_axis",
            "_split_v2      | indices axis squeeze_axis sections",
            "slice          | begin end step",
            "slice_axis     | axis begin end",
            "Pad            | mode pad_width constant_value",
            "diag           | k axis1 axis2",
            "broadcast_axis | axis size",
            "broadcast_like | lhs_axes rhs_axes",
            "repeat         | repeats axis"})
    void attributesAreDeclaredInMXNetsOrder(String op, String names) {
        assertThat(OpRegistry.global().get(op).attrSpecs()).extracting(AttrSpec::name)
                .containsExactly(names.split(" "));
    }

    @Test
    void defaultsMatchMXNet() {
        OpRegistry r = OpRegistry.global();
        assertThat(r.get("Concat").attrs(Map.of("num_args", 2)).values()).containsEntry("dim", 1);
        assertThat(r.get("split").attrs(Map.of("num_outputs", 2)).values()).containsEntry("axis", 1)
                .containsEntry("squeeze_axis", false);
        assertThat(r.get("stack").attrs(Map.of("num_args", 2)).values()).containsEntry("axis", 0);
        assertThat(r.get("diag").defaultAttrs().values()).containsEntry("k", 0).containsEntry("axis1", 0)
                .containsEntry("axis2", 1);
        assertThat(r.get("SwapAxis").defaultAttrs().values()).containsEntry("dim1", 0).containsEntry("dim2", 0);
        assertThat(r.get("Pad").attrs(Map.of("mode", "edge", "pad_width", "(0,0,0,0,1,1,1,1)")).values())
                .containsEntry("constant_value", 0.0);
        assertThat(r.get("squeeze").defaultAttrs().values()).containsEntry("axis", null);
    }

    @Test
    void explicitAttributesWriteBackInMXNetsStringForm() {
        OpDef slice = OpRegistry.global().get("slice");
        var a = slice.attrs(Map.of("begin", "(None, 1)", "end", "(2, None)", "step", "(1, -1)"));
        assertThat(a.toMXNetStrings(slice)).containsEntry("begin", "(None, 1)").containsEntry("end", "(2, None)")
                .containsEntry("step", "(1, -1)");
        OpDef reshape = OpRegistry.global().get("Reshape");
        assertThat(reshape.attrs(Map.of("shape", "(0, -1)", "reverse", "True")).toMXNetStrings(reshape))
                .containsEntry("shape", "(0, -1)").containsEntry("reverse", "True");
    }

    @Test
    void variadicInputsAndOutputsFollowAttributes() {
        OpDef stack = OpRegistry.global().get("stack");
        assertThat(stack.numInputs(stack.attrs(Map.of("num_args", 4)))).isEqualTo(4);
        OpDef split2 = OpRegistry.global().get("_split_v2");
        assertThat(split2.numOutputs(split2.attrs(Map.of("indices", "(0, 3, 5)")))).isEqualTo(3);
        assertThat(split2.numOutputs(split2.attrs(Map.of("indices", "()", "sections", 4)))).isEqualTo(4);
    }
}
