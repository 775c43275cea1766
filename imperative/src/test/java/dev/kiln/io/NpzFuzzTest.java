package dev.kiln.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.testing.FuzzLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of the {@code .npz} reader, which reads zip archives from files: each input is written to one scratch
 * file and read back. Only a {@link FileFormatException} may come out (not one wrapping a stray runtime exception), and
 * every key read must be a plain name (no path that leaves the archive). The suite replays the seeds in {@code NpzFuzzTestInputs/} and runs a fixed mutation loop;
 * {@code JAZZER_FUZZ=1 mvn ... -Dtest=NpzFuzzTest} fuzzes with coverage guidance.
 */
class NpzFuzzTest {
    private static final FuzzLoop.Scratch SCRATCH = FuzzLoop.scratch(".npz");

    @FuzzTest(maxDuration = "60s")
    void readerRaisesOnlyKilnException(byte[] data) {
        Path file = SCRATCH.holding(data);
        try {
            Map<String, NDArray> arrays = Npz.read(file);
            for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
                assertThat(e.getKey()).doesNotStartWith("/").doesNotContain("\\");
                // the entry the key came from (<key>.npy) has no empty, "." or ".." path element; dots inside a
                // name ("b..s") and a key ending in "/" (entry "weigh/.npy") stay inside the archive
                assertThat((e.getKey() + ".npy").split("/", -1)).doesNotContain("..", ".", "");
                assertThat(e.getValue().size()).isEqualTo(e.getValue().shape().size());
            }
        } catch (KilnException e) {
            assertThat(e.getMessage()).contains(file.toString()).doesNotContain("malformed .npy data");
            assertThat(e).isInstanceOf(FileFormatException.class);
            // the reader's last-resort wrapping of runtime exceptions is for java.util.zip's IllegalArgumentException
            // on malformed entry names; any other runtime exception under it is a defect it hid
            if (e.getCause() instanceof RuntimeException r) {
                assertThat(r).isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void fixedMutationRunRaisesOnlyKilnException() {
        FuzzLoop.run(getClass(), "readerRaisesOnlyKilnException", 3, 3_000,
                this::readerRaisesOnlyKilnException);
    }
}
