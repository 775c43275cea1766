package dev.kiln.data;

import dev.kiln.KilnException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SamplerTest {
    private static <T> List<T> pass(Iterable<T> s) {
        List<T> out = new ArrayList<>();
        s.forEach(out::add);
        return out;
    }

    @Test
    void sequentialSamplerCountsFromItsStart() {
        assertThat(pass(new SequentialSampler(4))).containsExactly(0, 1, 2, 3);
        assertThat(pass(new SequentialSampler(3, 5))).containsExactly(5, 6, 7);
        assertThat(new SequentialSampler(3, 5).size()).isEqualTo(3);
    }

    @Test
    void randomSamplerYieldsAFreshPermutationEachPassReplayedBySeed() {
        RandomSampler a = new RandomSampler(50, 42);
        RandomSampler b = new RandomSampler(50, 42);
        List<Integer> first = pass(a);
        List<Integer> second = pass(a);
        assertThat(first).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 50).boxed().toList());
        assertThat(first).isNotEqualTo(IntStream.range(0, 50).boxed().toList());
        assertThat(second).isNotEqualTo(first);
        assertThat(pass(b)).isEqualTo(first);
        assertThat(pass(b)).isEqualTo(second);
        assertThat(pass(new RandomSampler(50, 43))).isNotEqualTo(first);
    }

    @Test
    void keepYieldsTheShortLastBatchEveryPass() {
        BatchSampler s = new BatchSampler(new SequentialSampler(10), 3, LastBatch.KEEP);
        for (int epoch = 0; epoch < 2; epoch++) {
            assertThat(s.size()).isEqualTo(4);
            assertThat(pass(s)).containsExactly(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6, 7, 8), List.of(9));
        }
    }

    @Test
    void discardDropsTheShortLastBatchEveryPass() {
        BatchSampler s = new BatchSampler(new SequentialSampler(10), 3, LastBatch.parse("discard"));
        for (int epoch = 0; epoch < 2; epoch++) {
            assertThat(s.size()).isEqualTo(3);
            assertThat(pass(s)).containsExactly(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6, 7, 8));
        }
    }

    @Test
    void rolloverCarriesTheRemainderToTheFrontOfTheNextPass() {
        BatchSampler s = new BatchSampler(new SequentialSampler(10), 4, LastBatch.ROLLOVER);
        assertThat(s.size()).isEqualTo(2);
        assertThat(pass(s)).containsExactly(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7));
        // 8 and 9 were carried: (2 + 10) / 4 = 3 batches, nothing left over.
        assertThat(s.size()).isEqualTo(3);
        assertThat(pass(s)).containsExactly(List.of(8, 9, 0, 1), List.of(2, 3, 4, 5), List.of(6, 7, 8, 9));
        assertThat(s.size()).isEqualTo(2);
        assertThat(pass(s)).containsExactly(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7));
    }

    @Test
    void badLastBatchNamesAndBatchSizesAreRejected() {
        assertThatThrownBy(() -> LastBatch.parse("drop")).isInstanceOf(KilnException.class)
                .hasMessageContaining("'keep', 'discard', or 'rollover', but got drop");
        assertThatThrownBy(() -> new BatchSampler(new SequentialSampler(3), 0)).hasMessageContaining("got 0");
    }
}
