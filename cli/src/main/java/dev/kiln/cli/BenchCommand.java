package dev.kiln.cli;

import dev.kiln.bench.suite.ModelBench;
import dev.kiln.bench.suite.Report;
import dev.kiln.bench.suite.SuiteOptions;
import dev.kiln.bench.suite.SuiteResult;
import dev.kiln.parallel.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code kiln bench}: the model suite of issue #8 ({@link ModelBench}) in Kiln eager, Kiln hybridized and real
 * MXNet 1.9, then GEMM against the measured FMA peak; the tables as Markdown on stdout, progress on stderr, and
 * with {@code --json} one object per row.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark the model suite (MLP, CNN, UNet, norm block, ResNet-18, transformer layer) in Kiln "
                + "eager, Kiln hybridized, MXNet 1.9 op by op and as a static CachedOp, then GEMM against the "
                + "machine's measured FMA peak. Prints Markdown tables; progress goes to stderr.",
                "If MXNet cannot be loaded, its columns are n/a (null in JSON) and one notice says why."},
        footer = {"", "Examples:", "  kiln bench --quick", "  kiln bench --only resnet --threads 1 --json bench.json"})
final class BenchCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the rows to FILE as a JSON array.")
    private Path json;

    @Option(names = "--quick", description = "Each model and pass at its smaller batch, timed briefly: well under a "
            + "minute instead of several.")
    private boolean quick;

    @Option(names = "--threads", paramLabel = "N", description = "Kiln threads and MXNet OpenMP threads (default: "
            + "Kiln's own, kiln.threads or KILN_NUM_THREADS, else every core).")
    private Integer threads;

    @Option(names = "--only", paramLabel = "MODEL", description = "Only the models whose name contains MODEL, "
            + "ignoring case (e.g. mlp, cnn, unet, norm, resnet, transformer).")
    private String only = "";

    @Option(names = "--no-gemm", description = "Leave out the GEMM rows and the FMA peak.")
    private boolean noGemm;

    @Override
    public Integer call() {
        if (threads != null && threads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be at least 1, got " + threads);
        }
        Path dir = json == null ? null : json.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new ParameterException(spec.commandLine(), "--json " + json + ": directory " + dir
                    + " does not exist");
        }
        SuiteOptions options;
        try {
            options = new SuiteOptions(quick, threads == null ? Parallel.threads() : threads, only, !noGemm);
            options.cases();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e, null, only);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SuiteResult result = ModelBench.run(options, line -> {
            err.println(line);
            err.flush();
        });
        if (!result.mxnetLoaded()) {
            err.println("kiln bench: MXNet columns are n/a: " + CliErrors.oneLine(result.mxnetMissing()));
        }
        out.println(result.summary());
        out.println();
        out.print(Report.markdown(result.rows(), result.gemms()));
        if (json != null) {
            write(json, result);
            out.println();
            out.println("wrote " + json);
        }
        out.flush();
        return 0;
    }

    private static void write(Path file, SuiteResult result) {
        try (Writer w = Files.newBufferedWriter(file)) {
            Report.json(result.rows(), result.gemms(), w);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + " (" + e + ")", e);
        }
    }
}
