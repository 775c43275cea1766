package dev.kiln.examples.unet;

import dev.kiln.examples.ExampleRun;
import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The UNet example as a program: image to image in [-1, 1], eager and hybridized agree, exported. */
@ExtendWith(FreshNames.class)
class UNetExampleTest {

    @Test
    void mapsAnImageToAnImageEagerAndHybridizedAlikeAndExportsIt(@TempDir Path dir) {
        ExampleRun run = ExampleRun.of(UNetExample::main, dir);
        assertThat(run.printed()).contains("output shape for (1, 1, 64, 64): [(1, 1, 64, 64)]");
        assertThat(run.number("range \\[([0-9.-]+),")).isGreaterThanOrEqualTo(-1.0);
        assertThat(run.number(", ([0-9.-]+)\\] \\(tanh\\)")).isLessThanOrEqualTo(1.0);
        assertThat(run.number("max difference ([0-9.eE+-]+)")).isLessThan(1e-4);
        assertThat(dir.resolve("unet-symbol.json")).isNotEmptyFile();
        assertThat(dir.resolve("unet-0000.params")).isNotEmptyFile();
    }
}
