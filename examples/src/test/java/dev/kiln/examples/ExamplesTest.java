package dev.kiln.examples;

import dev.kiln.KilnException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The catalog the {@code kiln example} command runs from, and the output directory convention. */
class ExamplesTest {

    @Test
    void catalogNamesAreUniqueAndEachIsFoundByName() {
        var names = Examples.all().stream().map(Examples.Example::name).toList();
        assertThat(names).doesNotHaveDuplicates().contains("quickstart", "customlayer", "autograd", "customop",
                "training", "keras", "metalhead", "unet");
        names.forEach(n -> assertThat(Examples.named(n).name()).isEqualTo(n));
    }

    @Test
    void anUnknownNameIsReportedWithTheNamesThereAre() {
        assertThatThrownBy(() -> Examples.named("mnist")).isInstanceOf(KilnException.class)
                .hasMessageContaining("no example named 'mnist'").hasMessageContaining("quickstart");
    }

    @Test
    void outputDirectoryIsTheFirstArgumentCreatedWithItsParents(@org.junit.jupiter.api.io.TempDir Path tmp) {
        Path given = tmp.resolve("a/b");
        assertThat(Examples.outputDirectory(new String[] {given.toString()}, "unet")).isEqualTo(given).isDirectory();
    }
}
