package dev.kiln.cli;

import dev.kiln.examples.Examples;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code kiln example NAME [DIR]}: runs one of the worked examples of the examples module (docs/EXAMPLES.md). */
@Command(name = "example", mixinStandardHelpOptions = true,
        description = {"Run one of Kiln's worked examples (docs/EXAMPLES.md); --list names them.",
                "Each prints what it does in a few lines and writes its files under DIR (default "
                        + "./kiln-examples/NAME)."},
        footer = {"", "Examples:", "  kiln example --list", "  kiln example quickstart",
                "  kiln example training /tmp/training"})
final class ExampleCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--list", description = "List the examples and what each shows.")
    private boolean list;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The example to run.")
    private String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DIR", description = "Where it writes its files.")
    private Path dir;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            Examples.all().forEach(e -> out.printf("%-12s %s%n", e.name(), e.description()));
            return 0;
        }
        if (name == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give the NAME of an example ('kiln example --list' shows them)");
        }
        Examples.Example example = Examples.named(name);
        example.run(dir == null ? Path.of("kiln-examples", example.name()) : dir);
        return 0;
    }
}
