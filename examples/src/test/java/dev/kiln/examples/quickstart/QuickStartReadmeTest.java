package dev.kiln.examples.quickstart;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README.md's "Quick start" code is the region of QuickStart.java between {@code // quick-start:begin} and
 * {@code // quick-start:end}, dedented; this test fails when the two drift apart, so the README never shows code that
 * does not compile or run. To fix it, copy the region into the README's fenced block again.
 */
class QuickStartReadmeTest {
    private static final Path SOURCE = Path.of("src/main/java/dev/kiln/examples/quickstart/QuickStart.java");
    private static final Path README = Path.of("../README.md");
    static final String README_BEGIN = "<!-- quick-start:begin (examples/src/main/java/dev/kiln/examples/quickstart/"
            + "QuickStart.java; QuickStartReadmeTest checks they agree) -->";
    static final String README_END = "<!-- quick-start:end -->";

    @Test
    void readmeQuickStartIsTheMarkedRegionOfQuickStartJava() throws IOException {
        List<String> region = dedent(between(Files.readAllLines(SOURCE), "// quick-start:begin",
                "// quick-start:end"));
        List<String> block = between(Files.readAllLines(README), README_BEGIN, README_END);
        assertThat(block).as("README fenced block").isNotEmpty();
        assertThat(block.getFirst()).isEqualTo("```java");
        assertThat(block.getLast()).isEqualTo("```");
        assertThat(String.join("\n", block.subList(1, block.size() - 1))).as("README quick start vs QuickStart.java")
                .isEqualTo(String.join("\n", region));
    }

    /** The lines strictly between the line that is {@code begin} and the next that is {@code end} (trimmed). */
    static List<String> between(List<String> lines, String begin, String end) {
        int from = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (from < 0 && lines.get(i).trim().equals(begin)) {
                from = i + 1;
            } else if (from >= 0 && lines.get(i).trim().equals(end)) {
                return lines.subList(from, i);
            }
        }
        throw new AssertionError("no region between '" + begin + "' and '" + end + "'");
    }

    /** The lines less their common leading spaces (blank lines become empty). */
    static List<String> dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            out.add(l.isBlank() ? "" : l.substring(indent));
        }
        return out;
    }
}
