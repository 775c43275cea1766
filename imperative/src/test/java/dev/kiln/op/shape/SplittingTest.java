package dev.kiln.op.shape;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.OpRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static dev.kiln.op.shape.ShapeTestSupport.arange;
import static dev.kiln.op.shape.ShapeTestSupport.attrs;
import static dev.kiln.op.shape.ShapeTestSupport.fails;
import static dev.kiln.op.shape.ShapeTestSupport.invoke;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

class SplittingTest {

    @Test
    void splitCutsAxisOneIntoEqualPartsByDefault() {
        // numpy: np.split(np.arange(12).reshape(2, 6), 3, 1)
        List<NDArray> parts = invoke("split", attrs("num_outputs", 3), arange(2, 6));
        assertThat(parts).hasSize(3);
        assertThat(parts.get(0)).hasShape(2, 2).isCloseTo(new double[] {0, 1, 6, 7}, 0, 0);
        assertThat(parts.get(1)).hasShape(2, 2).isCloseTo(new double[] {2, 3, 8, 9}, 0, 0);
        assertThat(parts.get(2)).hasShape(2, 2).isCloseTo(new double[] {4, 5, 10, 11}, 0, 0);
    }

    @Test
    void splitWithSqueezeAxisDropsTheSplitAxis() {
        List<NDArray> parts = invoke("SliceChannel", attrs("num_outputs", 3, "axis", 0, "squeeze_axis", "True"),
                arange(3, 2));
        assertThat(parts.get(0)).hasShape(2).isCloseTo(new double[] {0, 1}, 0, 0);
        assertThat(parts.get(2)).hasShape(2).isCloseTo(new double[] {4, 5}, 0, 0);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "INT32", "FLOAT16", "BOOL"})
    void splitAlongTheLastAxisKeepsTheDType(DType t) {
        List<NDArray> parts = invoke("split", attrs("num_outputs", 2, "axis", -1), arange(t, 2, 2));
        assertThat(parts.get(0)).hasShape(2, 1).hasDType(t).isCloseTo(new double[] {0, t == DType.BOOL ? 0 : 2}, 0, 0);
        assertThat(parts.get(1)).hasShape(2, 1).isCloseTo(new double[] {1, t == DType.BOOL ? 1 : 3}, 0, 0);
    }

    @Test
    void splitReportsItsOutputCountAndNames() {
        var op = OpRegistry.global().get("split");
        var a = op.attrs(attrs("num_outputs", 3));
        assertThat(op.numOutputs(a)).isEqualTo(3);
        assertThat(op.outputNames(a)).containsExactly("output0", "output1", "output2");
        assertThat(op.name()).isEqualTo("SliceChannel");
    }

    @Test
    void splitRejectsUnevenPartsBadSqueezeAndBadAxis() {
        fails("split", attrs("num_outputs", 4), arange(2, 6)).hasMessageContaining("op 'SliceChannel'")
                .hasMessageContaining("num_outputs=4").hasMessageContaining("(2, 6)");
        fails("split", attrs("num_outputs", 2, "squeeze_axis", true), arange(2, 6))
                .hasMessageContaining("squeeze_axis");
        fails("split", attrs("num_outputs", 2, "axis", 2), arange(2, 6)).hasMessageContaining("axis=2");
        fails("split", attrs("num_outputs", 0), arange(2, 6)).hasMessageContaining("num_outputs=0");
    }

    @Test
    void splitOfAnEmptyAxisGivesEmptyParts() {
        List<NDArray> parts = invoke("split", attrs("num_outputs", 2, "axis", 0), arange(0, 3));
        assertThat(parts.get(1)).hasShape(0, 3);
    }

    @Test
    void splitV2CutsAtIndices() {
        // numpy: np.split(np.arange(14).reshape(2, 7), [2, 3], 1)
        List<NDArray> parts = invoke("_split_v2", attrs("indices", "(0, 2, 3)", "axis", 1), arange(2, 7));
        assertThat(parts.get(0)).hasShape(2, 2).isCloseTo(new double[] {0, 1, 7, 8}, 0, 0);
        assertThat(parts.get(1)).hasShape(2, 1).isCloseTo(new double[] {2, 9}, 0, 0);
        assertThat(parts.get(2)).hasShape(2, 4).isCloseTo(new double[] {3, 4, 5, 6, 10, 11, 12, 13}, 0, 0);
    }

    @Test
    void splitV2SectionsMakeTheFirstPartsLonger() {
        // numpy: np.array_split(np.arange(14).reshape(2, 7), 3, 1)
        List<NDArray> parts = invoke("_split_v2", attrs("indices", "()", "sections", 3, "axis", -1), arange(2, 7));
        assertThat(parts).hasSize(3);
        assertThat(parts.get(0)).hasShape(2, 3).isCloseTo(new double[] {0, 1, 2, 7, 8, 9}, 0, 0);
        assertThat(parts.get(1)).hasShape(2, 2).isCloseTo(new double[] {3, 4, 10, 11}, 0, 0);
        assertThat(parts.get(2)).hasShape(2, 2).isCloseTo(new double[] {5, 6, 12, 13}, 0, 0);
    }

    @Test
    void splitV2SqueezesUnitPartsAndAllowsEmptyOnes() {
        List<NDArray> parts = invoke("_split_v2", attrs("indices", "(0, 1)", "axis", 0, "squeeze_axis", true),
                arange(DType.INT32, 2, 3));
        assertThat(parts.get(1)).hasShape(3).hasDType(DType.INT32).isCloseTo(new double[] {3, 4, 5}, 0, 0);
        List<NDArray> withEmpty = invoke("_split_v2", attrs("indices", "(0, 2, 2)", "axis", 0), arange(3));
        assertThat(withEmpty.get(1)).hasShape(0);
        assertThat(withEmpty.get(2)).hasShape(1).isCloseTo(new double[] {2}, 0, 0);
    }

    @Test
    void splitV2RejectsBadIndices() {
        fails("_split_v2", attrs("indices", "(0, 3, 2)", "axis", 0), arange(4)).hasMessageContaining("op '_split_v2'")
                .hasMessageContaining("ascending");
        fails("_split_v2", attrs("indices", "(0, 5)", "axis", 0), arange(4)).hasMessageContaining("(4,)");
        fails("_split_v2", attrs("indices", "(1, 2)", "axis", 0), arange(4)).hasMessageContaining("start with 0");
        fails("_split_v2", attrs("indices", "()", "axis", 0), arange(4)).hasMessageContaining("sections");
        fails("_split_v2", attrs("indices", "(0, 2)", "axis", 0, "squeeze_axis", true), arange(4))
                .hasMessageContaining("length 2");
    }
}
