package dev.kiln.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * The root {@code kiln} command. Each subcommand is a class listed in {@code subcommands} below; a new one (the
 * {@code demo} and {@code bench} of issue #10) is added there and inherits {@code --debug} and the one-line error
 * handling of {@link CliErrors}.
 */
@Command(name = "kiln", mixinStandardHelpOptions = true, versionProvider = KilnCommand.Version.class,
        description = "Kiln: run, inspect and convert MXNet-compatible models and array files.",
        subcommands = {PredictCommand.class, InspectCommand.class, ConvertCommand.class,
                dev.kiln.cli.demo.DemoCommand.class, BenchCommand.class, ExampleCommand.class, CommandLine.HelpCommand.class})
public final class KilnCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "On an error, print the full stack trace instead of one line.")
    boolean debug;

    /** The command line with Kiln's error handling, printing to the JVM's standard streams. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new KilnCommand());
        CliErrors.install(cl);
        return cl;
    }

    /** {@code kiln} alone: the usage on stderr and the usage-error status. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    /** The version from the jar's manifest, or "development build" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = KilnCommand.class.getPackage().getImplementationVersion();
            return new String[] {"kiln " + (v == null ? "(development build)" : v)};
        }
    }
}
