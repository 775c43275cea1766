package dev.kiln.block;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.KilnException;
import dev.kiln.testing.FuzzLoop;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of the export metadata reader ({@code <prefix>-metadata.json}): whatever the bytes, it returns metadata
 * that writes back and reads back equal, or raises a {@link KilnException} naming the file, never another exception,
 * a {@link StackOverflowError} or a hang. The suite replays the seeds in {@code ExportMetadataJsonFuzzTestInputs/}
 * and runs a fixed mutation loop; {@code JAZZER_FUZZ=1 mvn ... -Dtest=ExportMetadataJsonFuzzTest} fuzzes with
 * coverage guidance.
 */
class ExportMetadataJsonFuzzTest {
    private static Path scratch;

    @FuzzTest(maxDuration = "60s")
    void readerRaisesOnlyKilnException(byte[] data) throws IOException {
        Path file = scratch();
        Files.write(file, data);
        ExportMetadata m;
        try {
            m = ExportMetadataJson.read(file);
        } catch (KilnException e) {
            assertThat(e.getMessage()).contains(file.toString());
            return;
        }
        Files.writeString(file, ExportMetadataJson.write(m));
        assertThat(ExportMetadataJson.read(file)).isEqualTo(m);
    }

    @Test
    void fixedMutationRunRaisesOnlyKilnException() {
        int runs = FuzzLoop.run(getClass(), "readerRaisesOnlyKilnException", 11, 8_000,
                this::readerRaisesOnlyKilnException);
        assertThat(runs).isGreaterThan(8_000);
    }

    private static synchronized Path scratch() {
        if (scratch == null) {
            scratch = FuzzLoop.scratchFile("-metadata.json");
        }
        return scratch;
    }
}
