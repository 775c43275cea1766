/**
 * The {@code kiln} command. An application module: it exports nothing. picocli fills the commands' option fields
 * by reflection, and the demo's network registers its layers from its fields, so those packages are opened to them.
 * The {@code bench} subcommand runs the model suite of the bench module, which stays on the class path (it drives
 * MXNet through JNA from the tests module's test jar): this module reads the unnamed module for it
 * ({@code --add-reads dev.kiln.cli=ALL-UNNAMED}, set in the cli pom for compilation); the {@code ./kiln} launcher
 * runs everything on the class path.
 */
module dev.kiln.cli {
    requires dev.kiln.block;
    requires info.picocli;

    opens dev.kiln.cli to info.picocli;
    opens dev.kiln.cli.demo to info.picocli, dev.kiln.block;
}
