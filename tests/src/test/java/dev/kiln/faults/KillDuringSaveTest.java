package dev.kiln.faults;

import dev.kiln.io.AtomicFiles;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Saving survives the process being killed: a child JVM ({@link SaveLoopChild}) saves an 8 MiB parameter file in a
 * loop, alternating two versions, and is killed ({@code destroyForcibly}, SIGKILL) at a random moment, many times.
 * After every kill the target must parse completely and hold exactly one of the two versions, element for element;
 * the temporary file a kill leaves behind must be cleaned up by the next save.
 */
class KillDuringSaveTest {
    private static final int KILLS = 24;
    private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(25);

    @TempDir
    Path dir;

    @Test
    void theTargetIsAlwaysTheCompleteOldOrNewVersionAfterAKill() throws Exception {
        Path target = dir.resolve("model-0000.params");
        long t0 = System.nanoTime();
        NDArrayFile.save(target, SaveLoopChild.contents(1));
        long saveMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        Random random = new Random(20261121);
        int[] seen = new int[3];
        int kills = 0;
        int midSave = 0;
        int savesCompleted = 0;
        long start = System.nanoTime();
        while (kills < KILLS && System.nanoTime() - start < BUDGET_NANOS) {
            int current = versionIn(target);
            Process child = startChild(target, 3 - current);
            AtomicInteger saves = new AtomicInteger();
            Thread reader = readLines(child, saves);
            try {
                // after the child's first save (class loading and compilation done), it is saving all the time
                waitForLines(child, saves, 2);
                // a random moment over about three saves: in the writing, the sync, the rename, or between saves
                Thread.sleep(random.nextInt((int) Math.min(2_000, 3 * saveMillis + 20)));
            } finally {
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                reader.join(5_000);
            }
            kills++;
            savesCompleted += saves.get() - 1;
            seen[versionIn(target)]++;
            String mark = "." + child.pid() + ".";
            if (temporaries().stream().anyMatch(p -> p.getFileName().toString().contains(mark))) {
                midSave++;
            }
        }
        System.out.printf("KillDuringSaveTest: %d kills (%d left a temporary file: killed inside a save), %d saves "
                + "completed by the children, target held version 1 %d times and version 2 %d times, one save "
                + "takes about %d ms%n", kills, midSave, savesCompleted, seen[1], seen[2], saveMillis);
        assertThat(kills).as("kills within the time budget").isGreaterThanOrEqualTo(4);
        assertThat(seen[1] + seen[2]).isEqualTo(kills);

        // the next save removes what the killed children left, then the file is the new version
        NDArrayFile.save(target, SaveLoopChild.contents(2));
        assertThat(temporaries()).isEmpty();
        assertThat(versionIn(target)).isEqualTo(2);
    }

    @Test
    void aSaveRemovesOnlyTemporariesOfProcessesThatAreGone() throws IOException {
        Path target = dir.resolve("w.params");
        long livePid = ProcessHandle.current().pid();
        Path live = dir.resolve(".w.params." + livePid + ".1" + AtomicFiles.TEMP_SUFFIX);
        Path dead = dir.resolve(".w.params." + deadPid() + ".2" + AtomicFiles.TEMP_SUFFIX);
        Path other = dir.resolve(".x.params.1.3" + AtomicFiles.TEMP_SUFFIX);
        for (Path p : List.of(live, dead, other)) {
            Files.write(p, new byte[] {1, 2, 3});
        }
        assertThat(AtomicFiles.removeStaleTemporaries(target)).isEqualTo(1);
        assertThat(dead).doesNotExist();
        assertThat(live).exists();
        assertThat(other).exists();
    }

    /** A process id that no running process has: one of a child that has exited. */
    private static long deadPid() throws IOException {
        Process p = new ProcessBuilder(javaBinary(), "-version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return p.pid();
    }

    /** Parses the whole file and returns its version, failing unless every key and element is that version's. */
    private static int versionIn(Path target) {
        Map<String, NDArray> loaded = NDArrayFile.loadDict(target);
        assertThat(loaded).hasSize(SaveLoopChild.ARRAYS);
        float first = ((float[]) loaded.values().iterator().next().data())[0];
        int version = first == SaveLoopChild.expected(1, 0, 0) ? 1 : first == SaveLoopChild.expected(2, 0, 0) ? 2 : 0;
        if (version == 0) {
            fail("the target starts with " + first + ", neither version's first element");
        }
        int a = 0;
        for (Map.Entry<String, NDArray> e : loaded.entrySet()) {
            assertThat(e.getKey()).isEqualTo("arg:layer" + a + "_weight");
            float[] values = (float[]) e.getValue().data();
            assertThat(values).hasSize(SaveLoopChild.ELEMENTS);
            for (int i = 0; i < values.length; i++) {
                if (values[i] != SaveLoopChild.expected(version, a, i)) {
                    fail("array " + e.getKey() + " element " + i + " is " + values[i] + ", not version " + version
                            + "'s " + SaveLoopChild.expected(version, a, i) + ": a torn file");
                }
            }
            a++;
        }
        return version;
    }

    private List<Path> temporaries() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(AtomicFiles.TEMP_SUFFIX)).toList();
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
    }

    private static Process startChild(Path target, int firstVersion) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx512m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), SaveLoopChild.class.getName(), target.toString(),
                Integer.toString(firstVersion)));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Counts the child's lines ("ready" counts as one) on a thread of its own. */
    private static Thread readLines(Process child, AtomicInteger lines) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                while (r.readLine() != null) {
                    lines.incrementAndGet();
                }
            } catch (IOException ignored) {
                // the child was killed
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void waitForLines(Process child, AtomicInteger lines, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (lines.get() < n) {
            if (!child.isAlive()) {
                fail("the save loop exited with status " + child.exitValue() + " after " + lines.get() + " lines");
            }
            if (System.nanoTime() > deadline) {
                fail("the save loop printed " + lines.get() + " of " + n + " lines within 20 s");
            }
            Thread.sleep(2);
        }
    }
}
