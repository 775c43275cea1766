package dev.kiln.bench.suite;

import dev.kiln.bench.KilnThreads;
import dev.kiln.conformance.MXNet;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The model-suite benchmark of issue #8 ({@code kiln bench}): every row of {@link ModelSuite} measured in this one
 * process in Kiln (eager, hybridized) and real MXNet 1.9 (op by op, static cached op) at the same thread count,
 * then the GEMM rows; prints Markdown tables and optionally writes the rows as JSON.
 *
 * <pre>
 * ModelBench [--quick] [--json FILE] [--threads N] [--only TEXT] [--no-gemm]
 * </pre>
 */
public final class ModelBench {
    private static final String USAGE = """
            usage: ModelBench [--quick] [--json FILE] [--threads N] [--only TEXT] [--no-gemm]
              --quick      short warm-up and 3 to 20 timed runs per column instead of ~1 s + ~2 s
              --json FILE  also write one JSON object per row to FILE
              --threads N  Kiln threads and MXNet OpenMP threads (default 2)
              --only TEXT  only the model rows whose name contains TEXT
              --no-gemm    skip the GEMM rows""";

    private ModelBench() {
    }

    public static void main(String[] args) throws IOException {
        Timer timer = Timer.standard();
        Path json = null;
        int threads = 2;
        String only = "";
        boolean gemm = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> timer = Timer.quick();
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
        KilnThreads.use(threads);
        MXNet mx = null;
        String missing = "";
        try {
            MXNet.presetEnvironment("OMP_NUM_THREADS", Integer.toString(threads));
            mx = MXNet.get();
            mx.check(mx.api().MXSetNumOMPThreads(threads), "MXSetNumOMPThreads(" + threads + ")");
        } catch (RuntimeException | LinkageError e) {
            missing = "cannot load MXNet (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
            mx = null;
        }

        List<ModelRow> rows = new ArrayList<>();
        for (ModelCase c : ModelSuite.rows()) {
            if (!c.model().contains(only)) {
                continue;
            }
            System.err.printf("measuring %s, %s, batch %d%n", c.model(), c.pass(), c.batch());
            rows.add(RowMeasurement.measure(c, mx, missing, timer, threads));
        }
        List<GemmRow> gemms = gemm ? GemmRows.measure(threads, timer) : List.of();

        System.out.printf("Kiln %d thread(s); MXNet %s%n%n", threads, mx == null ? "n/a: " + missing
                : mx.version() + " with " + threads + " OpenMP thread(s), NaiveEngine, operator tuning off");
        System.out.print(Report.markdown(rows, gemms));
        if (json != null) {
            try (Writer w = Files.newBufferedWriter(json)) {
                Report.json(rows, gemms, w);
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
