package dev.kiln.cli;

import dev.kiln.examples.Examples;
import dev.kiln.io.NDArrayFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kiln example}: lists the catalog, runs an example into the given directory, reports bad names in a line. */
class ExampleCommandTest {

    @Test
    void listShowsEveryExampleWithItsDescription() {
        Kiln k = Kiln.run("example", "--list");
        assertThat(k.status()).isZero();
        assertThat(k.out().lines().count()).isEqualTo(Examples.all().size());
        Examples.all().forEach(e -> assertThat(k.out()).contains(e.name()).contains(e.description()));
    }

    @Test
    void runsTheNamedExampleWritingIntoTheGivenDirectory(@TempDir Path dir) {
        Kiln k = Kiln.run("example", "autograd", dir);
        assertThat(k.status()).as(k.err()).isZero();
        assertThat(NDArrayFile.loadDict(dir.resolve("tanh-derivatives.params"))).containsKeys("x", "first", "second");
    }

    @Test
    void anUnknownNameOrNoNameIsAOneLineError() {
        Kiln unknown = Kiln.run("example", "mnist");
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).contains("no example named 'mnist'").contains("quickstart");
        assertThat(unknown.errLines()).isEqualTo(1);
        Kiln none = Kiln.run("example");
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("--list");
        assertThat(none.errLines()).isEqualTo(1);
    }
}
