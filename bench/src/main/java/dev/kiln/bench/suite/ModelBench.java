package dev.kiln.bench.suite;

import dev.kiln.bench.KilnThreads;
import dev.kiln.conformance.MXNet;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The model-suite benchmark of issue #8: every row of {@link ModelSuite} measured in this one process in Kiln
 * (eager, hybridized) and real MXNet 1.9 (op by op, static cached op) at the same thread count, then the GEMM rows.
 * {@link #run} is the API ({@code kiln bench} calls it); {@link #main} prints the Markdown tables and optionally
 * writes the rows as JSON.
 *
 * <pre>
 * ModelBench [--quick] [--json FILE] [--threads N] [--only TEXT] [--no-gemm]
 * </pre>
 */
public final class ModelBench {
    private static final String USAGE = """
            usage: ModelBench [--quick] [--json FILE] [--threads N] [--only TEXT] [--no-gemm]
              --quick      each model and pass at its smaller batch, timed briefly (well under a minute)
              --json FILE  also write one JSON object per row to FILE
              --threads N  Kiln threads and MXNet OpenMP threads (default 2)
              --only TEXT  only the model rows whose name contains TEXT (ignoring case)
              --no-gemm    skip the GEMM rows""";

    private ModelBench() {
    }

    /**
     * Measures the rows {@code options} selects, reporting each row as it starts to {@code progress}. Sets Kiln's
     * thread count first (fails if Kiln's thread pool already runs with another count) and loads MXNet with that
     * many OpenMP threads; if MXNet cannot be loaded, its columns are NaN and the result says why.
     */
    public static SuiteResult run(SuiteOptions options, Consumer<String> progress) {
        List<ModelCase> cases = options.cases();
        int threads = options.threads();
        KilnThreads.use(threads);
        MXNet mx = null;
        String missing = "";
        try {
            mx = loadMXNet(threads);
        } catch (RuntimeException | LinkageError e) {
            missing = "cannot load MXNet (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        }
        Timer timer = options.timer();
        List<ModelRow> rows = new ArrayList<>();
        for (ModelCase c : cases) {
            progress.accept("measuring " + c.model() + ", " + c.pass() + ", batch " + c.batch());
            rows.add(RowMeasurement.measure(c, mx, timer, threads));
        }
        List<GemmRow> gemms = List.of();
        if (options.gemm()) {
            progress.accept("measuring the FMA peak and GEMM");
            gemms = GemmRows.measure(threads, timer);
        }
        return new SuiteResult(rows, gemms, threads, mx == null ? 0 : mx.version(), missing);
    }

    private static MXNet loadMXNet(int threads) {
        try {
            MXNet.presetEnvironment("OMP_NUM_THREADS", Integer.toString(threads));
        } catch (IllegalStateException alreadyLoaded) {
            // loaded earlier in this JVM: MXSetNumOMPThreads below still sets the thread count
        }
        MXNet mx = MXNet.get();
        mx.check(mx.api().MXSetNumOMPThreads(threads), "MXSetNumOMPThreads(" + threads + ")");
        return mx;
    }

    public static void main(String[] args) throws IOException {
        boolean quick = false;
        Path json = null;
        int threads = 2;
        String only = "";
        boolean gemm = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--json" -> json = Path.of(value(args, ++i, "--json"));
                case "--threads" -> threads = Integer.parseInt(value(args, ++i, "--threads"));
                case "--only" -> only = value(args, ++i, "--only");
                case "--no-gemm" -> gemm = false;
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'\n" + USAGE);
            }
        }
        SuiteResult result = run(new SuiteOptions(quick, threads, only, gemm), System.err::println);
        System.out.printf("%s%n%n", result.summary());
        System.out.print(Report.markdown(result.rows(), result.gemms()));
        if (json != null) {
            try (Writer w = Files.newBufferedWriter(json)) {
                Report.json(result.rows(), result.gemms(), w);
            }
            System.out.println("\nwrote " + json);
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
        }
        return args[i];
    }
}
