package dev.kiln.parallel;

import dev.kiln.KilnException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParallelTest {
    @Test
    void forPartsRunsEveryPartOnceAndRethrowsAFailure() {
        AtomicIntegerArray runs = new AtomicIntegerArray(9);
        Parallel.forParts(9, true, runs::incrementAndGet);
        for (int p = 0; p < 9; p++) {
            assertThat(runs.get(p)).isEqualTo(1);
        }
        assertThatThrownBy(() -> Parallel.forParts(4, true, p -> {
            if (p == 2) {
                throw new KilnException("part 2 failed");
            }
        })).isInstanceOf(KilnException.class).hasMessage("part 2 failed");
    }

    @Test
    void forRangeCoversTheRangeInContiguousChunksExactlyOnce() {
        int n = 1000;
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        Parallel.forRange(n, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                hits.incrementAndGet(i);
            }
        });
        for (int i = 0; i < n; i++) {
            assertThat(hits.get(i)).as("index %d", i).isEqualTo(1);
        }
    }

    @Test
    void workStartedInsideAPartRunsInlineOnThatPartsThread() {
        Set<String> mismatches = ConcurrentHashMap.newKeySet();
        AtomicLong innerIterations = new AtomicLong();
        Parallel.forParts(Math.max(2, Parallel.threads()), true, p -> {
            assertThat(Parallel.chunksFor(1 << 20, 1)).isEqualTo(1);
            Thread outer = Thread.currentThread();
            Parallel.forRange(64, 1, (from, to) -> {
                if (Thread.currentThread() != outer) {
                    mismatches.add(Thread.currentThread().getName() + " ran part " + p + "'s inner loop");
                }
                innerIterations.addAndGet(to - from);
            });
            Parallel.forParts(3, true, q -> {
                if (Thread.currentThread() != outer) {
                    mismatches.add(Thread.currentThread().getName() + " ran part " + p + "'s inner part " + q);
                }
            });
        });
        assertThat(mismatches).isEmpty();
        assertThat(innerIterations.get()).isEqualTo(64L * Math.max(2, Parallel.threads()));
    }

    @Test
    void concurrentCallersEachGetAllTheirPartsRun() throws InterruptedException {
        int callers = 8;
        int rounds = 200;
        long[] totals = new long[callers];
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            int caller = c;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int r = 0; r < rounds; r++) {
                    AtomicLong sum = new AtomicLong();
                    Parallel.forRange(100, 1, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            sum.addAndGet(i);
                        }
                    });
                    totals[caller] += sum.get();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        for (long total : totals) {
            assertThat(total).isEqualTo(rounds * 4950L);
        }
    }

    @Test
    void chunksForNeverExceedsTheThreadCountOrTheGrain() {
        assertThat(Parallel.chunksFor(0, 1)).isEqualTo(1);
        assertThat(Parallel.chunksFor(10, 100)).isEqualTo(1);
        assertThat(Parallel.chunksFor(1 << 20, 1)).isEqualTo(Parallel.threads());
    }
}
