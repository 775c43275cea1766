package dev.kiln.cli;

import dev.kiln.io.NDArrayFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code kiln convert IN OUT}: rewrites an array file in the format OUT's extension names. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert between MXNet .params, NumPy .npz and (for one array) .npy files, by extension.",
                "Keys, dtypes, shapes and element bytes are kept. A list .params file becomes .npz keys arr_0, "
                        + "arr_1, ...; a .npy file has no key. OUT is written atomically."},
        footer = {"", "Examples:", "  kiln convert model-0000.params model.npz",
                "  kiln convert weights.npz weights.params", "  kiln convert x.npy x.params"})
final class ConvertCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "The file to read (.params, .npz or .npy).")
    private Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "The file to write (.params, .npz or .npy).")
    private Path out;

    @Override
    public Integer call() {
        ArrayFormat to = ArrayFormat.of(out);          // a wrong extension fails before anything is read
        NDArrayFile.Contents contents = ArrayFormat.of(in).read(in);
        to.write(out, contents);
        spec.commandLine().getOut().println("wrote " + out + ": " + contents.arrays().size() + " array"
                + (contents.arrays().size() == 1 ? "" : "s") + " from " + in);
        return 0;
    }
}
