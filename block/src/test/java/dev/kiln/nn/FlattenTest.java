package dev.kiln.nn;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(FreshNames.class)
class FlattenTest {

    @Test
    void collapsesEveryAxisButTheFirstInRowMajorOrder() {
        Flatten f = new Flatten();
        assertThat(f.prefix()).isEqualTo("flatten0_");
        assertThat(f.collectParams().keys()).isEmpty();
        assertThat(f).hasToString("Flatten");
        NDArray x = NDArray.of(Shape.of(2, 2, 3), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertThat(f.call(x)).hasShape(2, 6).isCloseTo(x.toDoubleArray(), 0, 0);
        LayerCheck.of(f, Random.uniform(-1, 1, 2, 3, 2, 2)).expectShape(2, 12).run();
        LayerCheck.of(f, Random.uniform(-1, 1, 3)).expectShape(3, 1).run();
    }
}
