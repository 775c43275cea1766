package dev.kiln.cli;

/** The {@code kiln} executable: runs the command line and exits with its status, the only place that exits. */
public final class KilnMain {
    private KilnMain() {
    }

    public static void main(String[] args) {
        System.exit(KilnCommand.commandLine().execute(args));
    }
}
