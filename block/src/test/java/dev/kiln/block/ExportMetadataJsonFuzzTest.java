package dev.kiln.block;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.testing.FuzzLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of the export metadata reader ({@code <prefix>-metadata.json}): whatever the bytes, it returns metadata
 * that writes back and reads back equal, or raises a {@link FileFormatException} naming the file, never another exception,
 * a {@link StackOverflowError} or a hang. The suite replays the seeds in {@code ExportMetadataJsonFuzzTestInputs/}
 * and runs a fixed mutation loop; {@code JAZZER_FUZZ=1 mvn ... -Dtest=ExportMetadataJsonFuzzTest} fuzzes with
 * coverage guidance.
 */
class ExportMetadataJsonFuzzTest {
    private static final FuzzLoop.Scratch SCRATCH = FuzzLoop.scratch("-metadata.json");

    @FuzzTest(maxDuration = "60s")
    void readerRaisesOnlyKilnException(byte[] data) {
        Path file = SCRATCH.holding(data);
        ExportMetadata m;
        try {
            m = ExportMetadataJson.read(file);
        } catch (KilnException e) {
            assertThat(e.getMessage()).contains(file.toString());
            assertThat(e).isInstanceOf(FileFormatException.class);
            return;
        }
        SCRATCH.holding(ExportMetadataJson.write(m).getBytes(StandardCharsets.UTF_8));
        assertThat(ExportMetadataJson.read(file)).isEqualTo(m);
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void fixedMutationRunRaisesOnlyKilnException() {
        FuzzLoop.run(getClass(), "readerRaisesOnlyKilnException", 11, 8_000,
                this::readerRaisesOnlyKilnException);
    }
}
