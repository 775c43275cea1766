package dev.kiln.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.testing.FuzzLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of the NDArray file reader with Jazzer. A normal build replays the seed files in
 * {@code NDArrayFileFuzzTestInputs/readerRaisesOnlyKilnException} (regression mode) and runs a fixed mutation loop
 * over them; {@code JAZZER_FUZZ=1} with {@code -Dtest=NDArrayFileFuzzTest} fuzzes for real. Any exception other
 * than a {@link FileFormatException}, or one that only the reader's last-resort wrapping caught, is a finding.
 */
class NDArrayFileFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void readerRaisesOnlyKilnException(byte[] data) {
        try {
            NDArrayFile.Contents c = NDArrayFile.read(data, "fuzz");
            assertThat(c.keys().isEmpty() || c.keys().size() == c.arrays().size()).isTrue();
        } catch (KilnException e) {
            assertThat(e.getMessage()).startsWith("cannot read fuzz: ").doesNotContain(NDArrayFileReader.MALFORMED);
            assertThat(e).isInstanceOf(FileFormatException.class);
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void fixedMutationRunRaisesOnlyKilnException() {
        FuzzLoop.run(getClass(), "readerRaisesOnlyKilnException", 12, 15_000,
                this::readerRaisesOnlyKilnException);
    }
}
