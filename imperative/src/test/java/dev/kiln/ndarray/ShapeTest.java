package dev.kiln.ndarray;

import dev.kiln.KilnException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShapeTest {

    private static Shape reshape(Shape in, boolean reverse, int... spec) {
        return in.reshape(spec, reverse);
    }

    @Test
    void printsLikePythonTuples() {
        assertThat(Shape.of(2, 3)).hasToString("(2, 3)");
        assertThat(Shape.of(3)).hasToString("(3,)");
        assertThat(Shape.scalar()).hasToString("()");
        assertThat(Shape.of(2, 3).toCompactString()).isEqualTo("2x3");
    }

    @Test
    void reshapeCodesFollowMXNetDocumentedExamples() {
        // Examples from MXNet's Reshape documentation, worked by hand.
        assertThat(reshape(Shape.of(2, 3, 4), false, 4, 0, 2)).isEqualTo(Shape.of(4, 3, 2));
        assertThat(reshape(Shape.of(2, 3, 4), false, 2, 0, 0)).isEqualTo(Shape.of(2, 3, 4));
        assertThat(reshape(Shape.of(2, 3, 4), false, 6, 1, -1)).isEqualTo(Shape.of(6, 1, 4));
        assertThat(reshape(Shape.of(2, 3, 4), false, 3, -1, 8)).isEqualTo(Shape.of(3, 1, 8));
        assertThat(reshape(Shape.of(2, 3, 4), false, -1)).isEqualTo(Shape.of(24));
        assertThat(reshape(Shape.of(2, 3, 4), false, -2)).isEqualTo(Shape.of(2, 3, 4));
        assertThat(reshape(Shape.of(2, 3, 4), false, 2, -2)).isEqualTo(Shape.of(2, 3, 4));
        assertThat(reshape(Shape.of(2, 3, 4), false, -2, 1, 1)).isEqualTo(Shape.of(2, 3, 4, 1, 1));
        assertThat(reshape(Shape.of(2, 3, 4), false, -3, 4)).isEqualTo(Shape.of(6, 4));
        assertThat(reshape(Shape.of(2, 3, 4, 5), false, -3, -3)).isEqualTo(Shape.of(6, 20));
        assertThat(reshape(Shape.of(2, 3, 4), false, 0, -3)).isEqualTo(Shape.of(2, 12));
        assertThat(reshape(Shape.of(2, 3, 4), false, -3, -2)).isEqualTo(Shape.of(6, 4));
        assertThat(reshape(Shape.of(2, 3, 4), false, -4, 1, 2, -2)).isEqualTo(Shape.of(1, 2, 3, 4));
        assertThat(reshape(Shape.of(2, 3, 4), false, 2, -4, -1, 3, -2)).isEqualTo(Shape.of(2, 1, 3, 4));
    }

    @Test
    void reverseMatchesCodesFromTheRight() {
        assertThat(reshape(Shape.of(10, 5, 4), false, -1, 0)).isEqualTo(Shape.of(40, 5));
        assertThat(reshape(Shape.of(10, 5, 4), true, -1, 0)).isEqualTo(Shape.of(50, 4));
    }

    @Test
    void impossibleReshapeNamesBothShapes() {
        assertThatThrownBy(() -> Shape.of(2, 3).reshape(4, -1))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("Reshape")
                .hasMessageContaining("(2, 3)");
        assertThatThrownBy(() -> Shape.of(2, 3).reshape(-1, -1)).hasMessageContaining("more than one -1");
        assertThatThrownBy(() -> Shape.of(2, 3).reshape(5)).hasMessageContaining("5 elements");
    }

    @Test
    void broadcastFollowsNumpyRules() {
        assertThat(Shape.broadcast(Shape.of(2, 3), Shape.of(3))).isEqualTo(Shape.of(2, 3));
        assertThat(Shape.broadcast(Shape.of(2, 1), Shape.of(1, 3))).isEqualTo(Shape.of(2, 3));
        assertThat(Shape.broadcast(Shape.of(4, 1, 5), Shape.of(3, 1))).isEqualTo(Shape.of(4, 3, 5));
        assertThat(Shape.broadcast(Shape.scalar(), Shape.of(2))).isEqualTo(Shape.of(2));
        assertThat(Shape.broadcast(Shape.of(0, 3), Shape.of(1, 3))).isEqualTo(Shape.of(0, 3));
        assertThatThrownBy(() -> Shape.broadcast(Shape.of(2, 3), Shape.of(4)))
                .hasMessageContaining("(2, 3)").hasMessageContaining("(4,)");
    }

    @Test
    void negativeAxesCountFromTheEndAndOutOfRangeIsAnError() {
        Shape s = Shape.of(2, 3, 4);
        assertThat(s.get(-1)).isEqualTo(4);
        assertThat(s.normalizeAxis(-3)).isZero();
        assertThatThrownBy(() -> s.normalizeAxis(3)).hasMessageContaining("axis 3").hasMessageContaining("(2, 3, 4)");
    }

    @Test
    void partialShapesKnowWhatTheyDoNotKnow() {
        assertThat(Shape.partial(-1, 3).isKnown()).isFalse();
        assertThat(Shape.unknownRank().isRankKnown()).isFalse();
        assertThatThrownBy(() -> Shape.partial(-1, 3).size()).hasMessageContaining("unknown");
        assertThatThrownBy(() -> Shape.of(-1)).isInstanceOf(KilnException.class);
    }

    @Test
    void sizeOverflowIsReportedNotWrapped() {
        assertThatThrownBy(() -> Shape.of(1 << 20, 1 << 20).size()).hasMessageContaining("more than a Java array");
        assertThat(Shape.of(1 << 20, 1 << 20).sizeLong()).isEqualTo(1L << 40);
    }
}
