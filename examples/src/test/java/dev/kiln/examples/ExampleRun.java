package dev.kiln.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs an example's {@code main} with an output directory, capturing what it prints, and reads numbers from it. */
public final class ExampleRun {
    private final String printed;

    private ExampleRun(String printed) {
        this.printed = printed;
    }

    /** Calls {@code main} with {@code dir} as its one argument; standard output is captured (and echoed). */
    public static ExampleRun of(Consumer<String[]> main, Path dir) {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            main.accept(new String[] {dir.toString()});
        } finally {
            System.setOut(original);
        }
        String text = buffer.toString(StandardCharsets.UTF_8);
        original.print(text);
        return new ExampleRun(text);
    }

    /** Everything the example printed. */
    public String printed() {
        return printed;
    }

    /** The number captured by the first group of {@code regex} in the printed text; fails if there is none. */
    public double number(String regex) {
        Matcher m = Pattern.compile(regex).matcher(printed);
        assertThat(m.find()).as("printed text matching /%s/ in:%n%s", regex, printed).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
