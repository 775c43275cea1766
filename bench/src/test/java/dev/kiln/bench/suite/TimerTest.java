package dev.kiln.bench.suite;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TimerTest {
    @Test
    void interleavedMediansWarmsEachBodyThenAlternatesTheirTimedRuns() {
        List<String> calls = new ArrayList<>();
        Timer timer = new Timer(2, 0.0, 10, 200, 0.0);
        double[] ms = timer.interleavedMedians(
                List.of(() -> calls.add("a"), () -> calls.add("b"), () -> calls.add("c")));

        assertThat(ms).hasSize(3);
        assertThat(ms[0]).isGreaterThanOrEqualTo(0.0);
        assertThat(calls.subList(0, 6)).containsExactly("a", "a", "b", "b", "c", "c");
        List<String> timed = calls.subList(6, calls.size());
        assertThat(timed).hasSize(3 * Timer.ROUNDS);
        for (int i = 0; i < timed.size(); i++) {
            assertThat(timed.get(i)).as("timed call %d", i).isEqualTo(List.of("a", "b", "c").get(i % 3));
        }
    }

    @Test
    void interleavedMediansPausesWhereOneLibrarysTurnFollowsAnothers() {
        List<String> calls = new ArrayList<>();
        List<Long> at = new ArrayList<>();
        Runnable a = () -> {
            calls.add("a");
            at.add(System.nanoTime());
        };
        Runnable b = () -> {
            calls.add("b");
            at.add(System.nanoTime());
        };
        Runnable c = () -> {
            calls.add("c");
            at.add(System.nanoTime());
        };
        // a and b are one library's, c another's: one run each per turn, warm-up included
        new Timer(1, 0.0, 2, 2, 0.0).interleavedMedians(List.of(a, b, c), new int[] {0, 0, 1});

        assertThat(calls).containsExactly("a", "b", "c", "a", "b", "c", "a", "b", "c");
        for (int i = 1; i < calls.size(); i++) {
            double gapMillis = (at.get(i) - at.get(i - 1)) / 1e6;
            boolean switched = calls.get(i).equals("c") || calls.get(i - 1).equals("c");
            if (switched) {
                assertThat(gapMillis).as("pause before call %d (%s)", i, calls.get(i))
                        .isGreaterThanOrEqualTo(Timer.QUIET_MILLIS * 0.99);
            }
        }
        assertThat((at.get(1) - at.get(0)) / 1e6).as("no pause between one library's bodies")
                .isLessThan(Timer.QUIET_MILLIS / 2.0);
    }

    @Test
    void interleavedMediansRunsEachBodyAtLeastMinRunsInFewerRoundsWhenMinRunsIsSmall() {
        List<String> calls = new ArrayList<>();
        Timer timer = new Timer(0, 0.0, 3, 3, 0.0);
        timer.interleavedMedians(List.of(() -> calls.add("a"), () -> calls.add("b")));

        assertThat(calls).containsExactly("a", "b", "a", "b", "a", "b");
    }

    @Test
    void aTimedRoundInWhichTheCompilerWasBusyIsDroppedForEveryBodyAndRunAgain() {
        List<String> calls = new ArrayList<>();
        long[] compiled = {0};
        // the compiler works 1000 ms during each of the first two timed rounds (in a's run), then rests
        int[] busyRounds = {2};
        Runnable a = () -> {
            boolean timed = calls.size() >= 2; // the warm-up is one run of a, then one of b
            calls.add("a");
            if (timed && busyRounds[0]-- > 0) {
                compiled[0] += 1000;
            }
        };
        Runnable b = () -> calls.add("b");
        Timer.Interleaved result = new Timer(1, 0.0, 4, 4, 0.0).interleaved(List.of(a, b), new int[2],
                () -> compiled[0]);

        assertThat(result.repeatedRounds()).isEqualTo(2);
        assertThat(result.keptCompilationMillis()).isZero();
        // warm-up a, b; then 4 kept rounds and 2 dropped ones, each a then b
        assertThat(calls).hasSize(2 + 2 * (4 + 2));
        assertThat(result.medians()).hasSize(2);
    }

    @Test
    void repeatedRoundsStopAfterRoundsMoreAndThenCountTheCompilationTheyKeep() {
        long[] compiled = {0};
        Runnable body = () -> compiled[0] += 50;
        Timer.Interleaved result = new Timer(0, 0.0, 3, 3, 0.0).interleaved(List.of(body), new int[1],
                () -> compiled[0]);

        // 3 rounds of one run each: every one busy, so 3 repeats, then the last 3 kept with 50 ms each
        assertThat(result.repeatedRounds()).isEqualTo(Timer.ROUNDS);
        assertThat(result.keptCompilationMillis()).isEqualTo(150);
    }

    @Test
    void aJvmThatDoesNotReportCompilationRepeatsNoRound() {
        Timer.Interleaved result = new Timer(0, 0.0, 3, 3, 0.0).interleaved(List.of(() -> { }), new int[1],
                () -> -1);

        assertThat(result.repeatedRounds()).isZero();
        assertThat(result.keptCompilationMillis()).isEqualTo(-1);
    }

    @Test
    void settlingKeepsWarmingUpWhileABodyIsStillGettingFaster() {
        int[] calls = {0};
        Runnable body = () -> {
            if (calls[0]++ < 60) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        double ms = new Timer(1, 0.0, 5, 5, 0.0, 5.0).medianMillis(body);

        assertThat(calls[0]).isGreaterThan(65);
        assertThat(ms).isLessThan(2.0);
    }

    @Test
    void settlingGoesOnWhileTheCompilerIsBusyEvenWhenTheBodyDoesNotGetFaster() {
        Runnable body = () -> {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Timer timer = new Timer(1, 0.0, 5, 5, 0.0, 3.0);
        // a compiler that works all the time: settling runs to its 3 s limit
        long start = System.nanoTime();
        timer.warmUp(body, () -> (System.nanoTime() - start) / 1_000_000);
        double busy = (System.nanoTime() - start) / 1e9;
        // an idle compiler: two blocks without gain end it after three blocks
        long idleStart = System.nanoTime();
        timer.warmUp(body, () -> 0);
        double idle = (System.nanoTime() - idleStart) / 1e9;
        // a JVM that does not report compilation time settles as if its compiler were idle
        long unknownStart = System.nanoTime();
        timer.warmUp(body, () -> -1);
        double unknown = (System.nanoTime() - unknownStart) / 1e9;

        assertThat(busy).isGreaterThanOrEqualTo(3.0);
        assertThat(idle).isLessThan(1.5);
        assertThat(unknown).isLessThan(1.5);
    }

    @Test
    void withoutSettlingTheFixedWarmUpIsAllThereIs() {
        int[] calls = {0};
        new Timer(4, 0.0, 5, 5, 0.0).medianMillis(() -> calls[0]++);

        assertThat(calls[0]).isEqualTo(9);
    }
}
