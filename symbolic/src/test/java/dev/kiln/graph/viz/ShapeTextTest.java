package dev.kiln.graph.viz;

import dev.kiln.graph.GraphText;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;

class ShapeTextTest {

    @Test
    void shapesPrintAsTuplesOrBatchlessProductsWithQuestionMarksForUnknowns() {
        assertThat(ShapeText.tuple(Shape.of(2, 3))).isEqualTo("(2, 3)");
        assertThat(ShapeText.tuple(Shape.of(3))).isEqualTo("(3,)");
        assertThat(ShapeText.tuple(Shape.scalar())).isEqualTo("()");
        assertThat(ShapeText.tuple(Shape.partial(Shape.UNKNOWN, 4))).isEqualTo("(?, 4)");
        assertThat(ShapeText.tuple(Shape.unknownRank())).isEqualTo("?");
        assertThat(ShapeText.tuple(null)).isEqualTo("?");
        assertThat(ShapeText.withoutBatch(Shape.of(32, 64, 28, 28))).isEqualTo("64x28x28");
        assertThat(ShapeText.withoutBatch(Shape.partial(2, Shape.UNKNOWN, 5))).isEqualTo("?x5");
        assertThat(ShapeText.withoutBatch(Shape.of(7))).isEmpty();
        assertThat(ShapeText.withoutBatch(Shape.unknownRank())).isEqualTo("?");
    }

    @Test
    void textFormShowsEveryOutputShapeHiddenOnesIncluded() {
        assertThat(Nets.convBnReluPool().toText(Nets.convShapes())).isEqualTo("""
                %0 = var data : (8, 3, 32, 32)
                %1 = var conv1_weight {kernel=(3, 3), num_filter=16, pad=(1, 1)} : (16, 3, 3, 3)
                %2 = var conv1_bias {kernel=(3, 3), num_filter=16, pad=(1, 1)} : (16,)
                %3 = Convolution[kernel=(3, 3), pad=(1, 1), num_filter=16](%0, %1, %2) : (8, 16, 32, 32)  # conv1
                %4 = var bn1_gamma : (16,)
                %5 = var bn1_beta : (16,)
                %6 = var bn1_moving_mean {__init__=["zero", {}]} : (16,)
                %7 = var bn1_moving_var {__init__=["one", {}]} : (16,)
                %8 = BatchNorm(%3, %4, %5, %6, %7) : (8, 16, 32, 32), (16,), (16,)  # bn1
                %9 = Activation[act_type=relu](%8) : (8, 16, 32, 32)  # relu1
                %10 = Pooling[kernel=(2, 2), pool_type=max, stride=(2, 2)](%9) : (8, 16, 16, 16)  # pool1
                %11 = Flatten(%10) : (8, 4096)  # flat
                outputs: %11
                """);
    }

    @Test
    void textFormOfAGroupNamesOutputEntries() {
        assertThat(Nets.split().toText(Map.of("x", Shape.of(4, 6)))).isEqualTo("""
                %0 = var x : (4, 6)
                %1 = SliceChannel[num_outputs=2, axis=1](%0) : (4, 3), (4, 3)  # sp
                %2 = elemwise_add(%1, %1.1) : (4, 3)  # add
                outputs: %2 %1.1
                """);
    }

    @Test
    void partialShapesAndAnnotationsBothShow() {
        Symbol x = Symbol.var("x", Map.of("shape", new int[] {0, 5}));
        Symbol y = sym.broadcastAdd(x, Symbol.var("b"), Map.of("name", "add"));
        assertThat(y.toText(Map.of())).isEqualTo("""
                %0 = var x {__shape__=(0, 5)} : (?, 5)
                %1 = var b : ?
                %2 = broadcast_add(%0, %1) : ?  # add
                outputs: %2
                """);
    }

    @Test
    void plainTextFormIsTheGraphsStringAndHasNoShapes() {
        Symbol y = Nets.mlp();
        assertThat(y.toText()).isEqualTo(y.graph().toString()).isEqualTo(GraphText.format(y.graph()))
                .contains("%3 = FullyConnected[num_hidden=128](%0, %1, %2)  # fc1\n").doesNotContain(" : ");
        assertThat(y.toString()).isEqualTo("<Symbol out>");
    }
}
