package dev.kiln.graph.json;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.graph.Graph;
import dev.kiln.testing.FuzzLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of the symbol JSON reader: whatever the text (deeply nested, truncated, with hostile numbers or entry
 * indices), {@link SymbolJson#read(String)} returns a graph or raises a {@link FileFormatException}, never another
 * exception, a {@link StackOverflowError} or a hang. A graph it returns must write back out. The suite replays the
 * seeds in {@code SymbolJsonFuzzTestInputs/} and runs a fixed mutation loop; {@code JAZZER_FUZZ=1 mvn ...
 * -Dtest=SymbolJsonFuzzTest} fuzzes with coverage guidance.
 */
class SymbolJsonFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void readerRaisesOnlyKilnException(byte[] data) {
        Graph g;
        try {
            g = SymbolJson.read(new String(data, StandardCharsets.UTF_8));
        } catch (KilnException e) {
            assertThat(e.getMessage()).isNotBlank();
            assertThat(e).isInstanceOf(FileFormatException.class);
            return;
        }
        assertThat(SymbolJson.write(g)).contains("\"heads\"");
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void fixedMutationRunRaisesOnlyKilnException() {
        FuzzLoop.run(getClass(), "readerRaisesOnlyKilnException", 5, 5_000,
                this::readerRaisesOnlyKilnException);
    }
}
