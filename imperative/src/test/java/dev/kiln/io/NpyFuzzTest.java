package dev.kiln.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.testing.FuzzLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of the {@code .npy} reader: whatever the bytes, {@link Npy#read(byte[], String)} returns an array whose
 * data matches its shape or raises a {@link FileFormatException} naming the source, never another exception, an
 * {@link OutOfMemoryError} or a hang. The suite replays the seeds in {@code NpyFuzzTestInputs/} and runs a fixed
 * mutation loop; {@code JAZZER_FUZZ=1 mvn ... -Dtest=NpyFuzzTest} fuzzes with coverage guidance.
 */
class NpyFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void readerRaisesOnlyKilnException(byte[] data) {
        try {
            NDArray a = Npy.read(data, "fuzz.npy");
            assertThat(a.size()).isEqualTo(a.shape().size());
        } catch (KilnException e) {
            assertThat(e.getMessage()).startsWith("cannot read fuzz.npy: ").doesNotContain("malformed .npy data");
            assertThat(e).isInstanceOf(FileFormatException.class);
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void fixedMutationRunRaisesOnlyKilnException() {
        FuzzLoop.run(getClass(), "readerRaisesOnlyKilnException", 7, 10_000,
                this::readerRaisesOnlyKilnException);
    }
}
