package dev.kiln.cli;

import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Wrong arguments and bad files give one line on stderr and a non-zero status, a stack trace only under --debug. */
class ErrorHandlingTest {
    @TempDir
    Path dir;

    static void assertOneLineError(Kiln r, int status, String... fragments) {
        assertThat(r.status()).as(r.err()).isEqualTo(status);
        assertThat(r.errLines()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(r.err()).contains(fragments);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void missingFileIsOneLineNamingTheFile() {
        Path missing = dir.resolve("absent.params");
        assertOneLineError(Kiln.run("inspect", missing), 1, "kiln inspect: error:", missing.toString(),
                "no such file");
        assertOneLineError(Kiln.run("convert", dir.resolve("absent.npz"), dir.resolve("x.params")), 1,
                "absent.npz", "no such file");
    }

    @Test
    void damagedFilesAreOneLineErrors() throws IOException {
        Path params = dir.resolve("w.params");
        NDArrayFile.save(params, Map.of("w", NDArray.of(Shape.of(4, 4), new float[16])));
        byte[] bytes = Files.readAllBytes(params);
        Path truncated = dir.resolve("truncated.params");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 10));
        assertOneLineError(Kiln.run("inspect", truncated), 1, "truncated.params");

        Path npz = dir.resolve("garbage.npz");
        Files.writeString(npz, "this is not a zip archive");
        assertOneLineError(Kiln.run("convert", npz, dir.resolve("out.params")), 1, "garbage.npz");
        assertThat(dir.resolve("out.params")).doesNotExist();

        Path npy = dir.resolve("bad.npy");
        Files.write(npy, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 100, 0});
        assertOneLineError(Kiln.run("inspect", npy), 1, "bad.npy");

        Path json = dir.resolve("broken-symbol.json");
        Files.writeString(json, "{\"nodes\": [");
        assertOneLineError(Kiln.run("inspect", json), 1, "broken-symbol.json");
    }

    @Test
    void wrongFlagsAndArgumentsAreUsageErrors() {
        assertOneLineError(Kiln.run("inspect", "--no-such-flag", "x.params"), 2, "kiln inspect:",
                "--no-such-flag", "kiln inspect --help");
        assertOneLineError(Kiln.run("predict", "--symbol", "m-symbol.json"), 2, "kiln predict:", "--input");
        assertOneLineError(Kiln.run("convert", "only-one.params"), 2, "kiln convert:", "OUT");
        assertOneLineError(Kiln.run("frobnicate"), 2, "kiln:", "frobnicate");
    }

    @Test
    void unknownExtensionIsNamed() {
        assertOneLineError(Kiln.run("convert", dir.resolve("a.npz"), dir.resolve("b.txt")), 1,
                "b.txt", ".params, .npz or .npy");
    }

    @Test
    void debugPrintsTheStackTrace() {
        Kiln r = Kiln.run("inspect", "--debug", dir.resolve("absent.params"));
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).startsWith("kiln inspect: error: cannot read").contains("\tat dev.kiln.");
        Kiln before = Kiln.run("--debug", "inspect", dir.resolve("absent.params"));
        assertThat(before.err()).contains("\tat dev.kiln.");
    }

    @Test
    void everySubcommandHasHelp() {
        for (String sub : new String[] {"predict", "inspect", "convert"}) {
            Kiln r = Kiln.run(sub, "--help");
            assertThat(r.status()).isZero();
            assertThat(r.out()).startsWith("Usage: kiln " + sub).contains("--debug").contains("Examples:");
        }
        Kiln top = Kiln.run();
        assertThat(top.status()).isEqualTo(2);
        assertThat(top.err()).contains("predict", "inspect", "convert");
    }
}
