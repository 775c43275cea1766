package dev.kiln.ndarray;

import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class MutationCountTest {
    private static void assertCounts(String what, Consumer<NDArray> write) {
        NDArray a = NDArray.from(new float[][] {{1, 2}, {3, 4}});
        NDArray view = a.reshape(4);
        long before = a.mutationCount();
        write.accept(a);
        assertThat(a.mutationCount()).as(what).isGreaterThan(before);
        assertThat(view.mutationCount()).as(what + " seen through a view").isEqualTo(a.mutationCount());
    }

    @Test
    void everyPublicWriteCountsAndViewsShareTheCount() {
        assertCounts("fill", a -> a.fill(1));
        assertCounts("setDouble", a -> a.setDouble(0, 5));
        assertCounts("copyTo", a -> NDArray.zeros(2, 2).copyTo(a));
        assertCounts("copyTo with a cast", a -> NDArray.zeros(Shape.of(2, 2), DType.FLOAT64, Device.cpu())
                .copyTo(a));
        assertCounts("addInPlace", a -> a.addInPlace(NDArray.ones(2)));
        assertCounts("subInPlace", a -> a.subInPlace(NDArray.ones(2)));
        assertCounts("mulInPlace", a -> a.mulInPlace(NDArray.ones(2)));
        assertCounts("divInPlace", a -> a.divInPlace(NDArray.ones(2)));
        assertCounts("addInPlace scalar", a -> a.addInPlace(1));
        assertCounts("mulInPlace scalar", a -> a.mulInPlace(2));
        assertCounts("Ops.into", a -> Ops.into(a, "_plus_scalar", Map.of("scalar", 1.0), a));
        assertCounts("a write through a view", a -> a.reshape(4).fill(3));
        assertCounts("a write through a detached copy of the handle", a -> a.detach().setDouble(1, 0));
        assertCounts("markMutated after a raw write", a -> {
            a.floatData()[0] = 9;
            a.markMutated();
        });
    }

    @Test
    void readsCopiesAndRawWritesDoNotCount() {
        NDArray a = NDArray.from(new float[] {1, 2, 3});
        long before = a.mutationCount();
        a.copy().fill(0);
        a.copyTo(NDArray.zeros(3));
        a.copyTo(a);
        a.getDouble(1);
        a.floatData()[0] = 7; // documented: writes through the raw array are not tracked
        assertThat(a.mutationCount()).isEqualTo(before);
    }
}
