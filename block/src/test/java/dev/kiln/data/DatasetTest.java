package dev.kiln.data;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetTest {
    private static Dataset<Integer> range(int n) {
        return Dataset.of(IntStream.range(0, n).boxed().toList());
    }

    private static <T> List<T> all(Dataset<T> d) {
        List<T> out = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            out.add(d.get(i));
        }
        return out;
    }

    @Test
    void simpleDatasetIndexesItsListAndRejectsOutOfRangeIndices() {
        Dataset<String> d = new SimpleDataset<>(List.of("a", "b", "c"));
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.get(2)).isEqualTo("c");
        assertThatThrownBy(() -> d.get(3)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("3");
    }

    @Test
    void lazyTransformRecomputesOnEveryAccessWhileEagerTransformRunsOncePerSample() {
        AtomicInteger calls = new AtomicInteger();
        Dataset<Integer> lazy = range(4).transform(x -> {
            calls.incrementAndGet();
            return x * 10;
        });
        assertThat(calls).hasValue(0);
        assertThat(all(lazy)).containsExactly(0, 10, 20, 30);
        lazy.get(1);
        assertThat(calls).hasValue(5);

        calls.set(0);
        Dataset<Integer> eager = range(4).transform(x -> {
            calls.incrementAndGet();
            return x * 10;
        }, false);
        assertThat(calls).hasValue(4);
        assertThat(all(eager)).containsExactly(0, 10, 20, 30);
        assertThat(calls).hasValue(4);
    }

    @Test
    void transformFirstChangesOnlyTheDataFieldOfListSamplesAndWholePlainSamples() {
        Dataset<List<Object>> pairs = Dataset.of(List.of(List.<Object>of(1, "x"), List.<Object>of(2, "y")));
        Dataset<List<Object>> doubled = pairs.<Integer>transformFirst(v -> v * 2);
        assertThat(doubled.get(0)).containsExactly(2, "x");
        assertThat(doubled.get(1)).containsExactly(4, "y");

        Dataset<Integer> plain = range(3).<Integer>transformFirst(v -> v + 100);
        assertThat(all(plain)).containsExactly(100, 101, 102);
    }

    @Test
    void filterShardAndTakeSelectSamplesAsGluon() {
        assertThat(all(range(10).filter(x -> x % 3 == 0))).containsExactly(0, 3, 6, 9);
        // 10 samples in 3 shards: the first 10 % 3 = 1 shard gets one extra sample.
        assertThat(all(range(10).shard(3, 0))).containsExactly(0, 1, 2, 3);
        assertThat(all(range(10).shard(3, 1))).containsExactly(4, 5, 6);
        assertThat(all(range(10).shard(3, 2))).containsExactly(7, 8, 9);
        assertThat(all(range(10).take(3))).containsExactly(0, 1, 2);
        assertThat(all(range(2).take(5))).containsExactly(0, 1);
        assertThat(all(range(5).sample(new SequentialSampler(2, 3)))).containsExactly(3, 4);
        assertThatThrownBy(() -> range(4).shard(2, 2)).isInstanceOf(KilnException.class)
                .hasMessageContaining("index 2 is out of range for 2 shards");
        assertThatThrownBy(() -> range(4).take(-1)).hasMessageContaining("-1");
        assertThatThrownBy(() -> range(2).shard(3, 1).get(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void arrayDatasetZipsRowsOfArraysAndListsIntoFields() {
        NDArray x = NDArray.of(Shape.of(3, 2), 1, 2, 3, 4, 5, 6);
        NDArray y = NDArray.of(Shape.of(3), DType.INT32, 7, 8, 9);
        ArrayDataset d = new ArrayDataset(x, y, List.of(0.5, 1.5, 2.5));
        assertThat(d.size()).isEqualTo(3);
        List<NDArray> second = d.get(1);
        assertThat(second).hasSize(3);
        assertThat(second.get(0).shape()).isEqualTo(Shape.of(2));
        assertThat(second.get(0).toFloatArray()).containsExactly(3f, 4f);
        assertThat(second.get(1).shape()).isEqualTo(Shape.scalar());
        assertThat(second.get(1).dtype()).isEqualTo(DType.INT32);
        assertThat(second.get(1).asLong()).isEqualTo(8);
        assertThat(second.get(2).dtype()).isEqualTo(DType.FLOAT64);
        assertThat(second.get(2).asScalar()).isEqualTo(1.5);
        // Rows are copies: changing one leaves the source alone.
        second.get(0).fill(0);
        assertThat(x.getDouble(1, 0)).isEqualTo(3.0);
    }

    @Test
    void arrayDatasetNamesTheLengthsThatDisagree() {
        NDArray x = NDArray.zeros(4, 2);
        NDArray y = NDArray.zeros(3);
        assertThatThrownBy(() -> new ArrayDataset(x, y)).isInstanceOf(KilnException.class)
                .hasMessageContaining("source 0 has 4 rows and source 1 has 3");
        assertThatThrownBy(() -> new ArrayDataset(x, List.of(1, 2))).hasMessageContaining("[4, 2]");
        assertThatThrownBy(() -> new ArrayDataset(x, "nope")).hasMessageContaining("java.lang.String");
        assertThatThrownBy(ArrayDataset::new).hasMessageContaining("at least one");
    }

    @Test
    void oneArrayGivesPlainRowsAsGluonsSingleSourceArrayDataset() {
        NDArray x = NDArray.of(Shape.of(2, 2), 1, 2, 3, 4);
        Dataset<NDArray> rows = ArrayDataset.ofArray(x);
        assertThat(rows.size()).isEqualTo(2);
        assertThat(rows.get(1).toFloatArray()).containsExactly(3f, 4f);
    }
}
