package dev.kiln.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the kiln command line in-process with standard output and error captured. */
record Kiln(int status, String out, String err) {

    static Kiln run(Object... args) {
        String[] argv = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            argv[i] = String.valueOf(args[i]);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = KilnCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(argv);
        return new Kiln(status, out.toString(), err.toString());
    }

    /** The error output's lines. */
    long errLines() {
        return err.lines().count();
    }
}
