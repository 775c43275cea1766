package dev.kiln.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;

/**
 * Turns every failure into one line on stderr and a non-zero status: a usage error (wrong flag, missing argument)
 * gives status 2, a failure while running (missing, damaged or unsupported file) status 1. The stack trace is printed
 * only under {@code --debug}.
 */
final class CliErrors {
    private CliErrors() {
    }

    static void install(CommandLine cl) {
        cl.setParameterExceptionHandler(CliErrors::usageError);
        cl.setExecutionExceptionHandler((e, sub, parsed) -> failure(e, sub));
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine sub = e.getCommandLine();
        PrintWriter err = sub.getErr();
        err.println(sub.getCommandSpec().qualifiedName() + ": " + oneLine(e.getMessage())
                + " (see '" + sub.getCommandSpec().qualifiedName() + " --help')");
        if (debug(sub)) {
            e.printStackTrace(err);
        }
        err.flush();
        return CommandLine.ExitCode.USAGE;
    }

    private static int failure(Exception e, CommandLine sub) {
        PrintWriter err = sub.getErr();
        err.println(sub.getCommandSpec().qualifiedName() + ": error: " + oneLine(describe(e)));
        if (debug(sub)) {
            e.printStackTrace(err);
        }
        err.flush();
        return CommandLine.ExitCode.SOFTWARE;
    }

    /** The message, or the exception's type where it has none (a bug rather than a bad input). */
    private static String describe(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName() + (e.getCause() != null ? ": " + describe(e.getCause()) : "")
                    + " (run with --debug for the stack trace)";
        }
        return m;
    }

    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static boolean debug(CommandLine sub) {
        Object root = sub.getCommandSpec().root().userObject();
        return root instanceof KilnCommand k && k.debug;
    }
}
