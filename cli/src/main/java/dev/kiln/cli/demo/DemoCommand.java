package dev.kiln.cli.demo;

import dev.kiln.KilnException;
import dev.kiln.block.ExportedFiles;
import dev.kiln.block.HybridSequential;
import dev.kiln.data.ArrayDataset;
import dev.kiln.data.DataLoader;
import dev.kiln.estimator.Estimator;
import dev.kiln.estimator.EventHandler;
import dev.kiln.estimator.HistoryHandler;
import dev.kiln.estimator.ProgressBarHandler;
import dev.kiln.estimator.TrainingHistory;
import dev.kiln.io.NDArrayFile;
import dev.kiln.loss.SoftmaxCrossEntropyLoss;
import dev.kiln.ndarray.NDArray;
import dev.kiln.trainer.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code kiln demo}: Kiln's hybridize-then-run workflow on generated data, with no files or network needed. Trains
 * the {@link DemoNet} CNN on {@link PatternImages} eagerly and then, from the same initial weights, hybridized;
 * reports both throughputs and the speed-up; exports the hybridized net, imports it with
 * {@code SymbolBlock.imports}, checks the import predicts as the trained net does, and writes a sample batch with
 * Kiln's predictions and the training curves beside the export.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Train a small CNN on generated images, eager and then hybridized; print both throughputs "
                + "and the speed-up; export the model, import it again and check its predictions; write the "
                + "training curves. Needs no files or network.",
                "Writes into DIR: model-symbol.json, model-0000.params, model-metadata.json, sample-input.params "
                        + "(key data), sample-output.params (key output), and eager.* and hybridized.* training "
                        + "histories (.csv, .json, .png, .svg)."},
        footer = {"", "Examples:", "  kiln demo", "  kiln demo --out /tmp/run1 --epochs 3 --seed 7",
                "  kiln predict --symbol kiln-demo/model-symbol.json \\",
                "      --params kiln-demo/model-0000.params \\",
                "      --input kiln-demo/sample-input.params"})
public final class DemoCommand implements Callable<Integer> {
    static final int VALIDATION_IMAGES = 400;
    static final int BATCH = 32;
    static final int VALIDATION_BATCH = 100;
    static final int SAMPLE_BATCH = 16;
    static final double LEARNING_RATE = 0.003;

    @Spec
    private CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "kiln-demo",
            description = "Directory for the files, created if missing; the demo's own files in it are replaced "
                    + "(default: ${DEFAULT-VALUE} in the current directory).")
    private Path out;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "5",
            description = "Training epochs of each run (default: ${DEFAULT-VALUE}).")
    private int epochs;

    @Option(names = "--images", paramLabel = "N", defaultValue = "6400",
            description = "Training images to generate (default: ${DEFAULT-VALUE}); validation uses "
                    + VALIDATION_IMAGES + ".")
    private int images;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
            description = "Seed of the generated images, the initial weights and the batch order "
                    + "(default: ${DEFAULT-VALUE}).")
    private long seed;

    @Override
    public Integer call() throws IOException {
        requirePositive("--epochs", epochs);
        requirePositive("--images", images);
        PrintWriter w = spec.commandLine().getOut();
        Path dir = createDirectory(out);
        int classes = PatternImages.CLASSES.size();
        ArrayDataset trainSet = PatternImages.generate(images, seed);
        ArrayDataset valSet = PatternImages.generate(VALIDATION_IMAGES, seed + 1);
        NDArray sample = DataLoader.builder(valSet).batchSize(SAMPLE_BATCH).build().iterator().next().get(0);
        w.printf(Locale.ROOT, "Kiln demo: %d training and %d validation images of 1x%dx%d, generated from seed %d, "
                        + "%d classes %s%n", images, VALIDATION_IMAGES, PatternImages.SIZE, PatternImages.SIZE,
                seed, classes, PatternImages.CLASSES);

        HybridSequential eager = DemoNet.initialized(classes, seed, sample);
        HybridSequential hybrid = DemoNet.copyOf(eager, classes);
        hybrid.hybridize();
        w.println("net: " + eager.toString().replace("\n", "\n  "));

        w.printf(Locale.ROOT, "eager training, %d epoch%s:%n", epochs, epochs == 1 ? "" : "s");
        Run eagerRun = train(eager, trainSet, valSet, dir, "eager", w);
        w.printf(Locale.ROOT, "hybridized training, same initial weights and batches:%n");
        Run hybridRun = train(hybrid, trainSet, valSet, dir, "hybridized", w);

        double eagerRate = eagerRun.clock().steadySamplesPerSecond();
        double hybridRate = hybridRun.clock().steadySamplesPerSecond();
        w.println();
        w.printf(Locale.ROOT, "training throughput%s: eager %.0f samples/s, hybridized %.0f samples/s, "
                + "speed-up %.2fx%n", epochs > 1 ? " after the first epoch" : "", eagerRate, hybridRate,
                hybridRate / eagerRate);
        w.printf(Locale.ROOT, "training time (all epochs, compilation included): eager %.2f s, hybridized %.2f s%n",
                eagerRun.clock().totalSeconds(), hybridRun.clock().totalSeconds());
        w.printf(Locale.ROOT, "validation accuracy: eager %.4f, hybridized %.4f; the two runs' training losses "
                        + "differ by at most %.2g%n", eagerRun.finalValue("validation accuracy"),
                hybridRun.finalValue("validation accuracy"), eagerRun.largestDifference(hybridRun, "training loss"));

        hybrid.call(sample);                                   // export records the inputs of the last call
        ExportedFiles exported = hybrid.export(dir.resolve("model"), 0);
        ImportCheck.Result check = ImportCheck.run(hybrid, exported, sample);
        Agreement agreement = check.agreement();
        w.printf(Locale.ROOT, "exported, imported with SymbolBlock.imports and checked: on %d validation images "
                        + "the imported model picks the trained net's class for %d, largest score difference %.2g%n",
                agreement.samples(), agreement.sameClass(), agreement.maxAbsDifference());
        NDArrayFile.save(dir.resolve("sample-input.params"), Map.of("data", sample));
        NDArrayFile.save(dir.resolve("sample-output.params"), Map.of("output", check.imported()));

        w.println();
        w.println("files written to " + dir.toAbsolutePath().normalize() + ":");
        for (String[] f : fileList(exported)) {
            w.printf(Locale.ROOT, "  %-22s %s%n", f[0], f[1]);
        }
        w.println("try: kiln predict --symbol " + exported.symbolFile() + " --params " + exported.paramsFile()
                + " --input " + dir.resolve("sample-input.params"));
        w.flush();
        return 0;
    }

    /** One training run's clock and history. */
    record Run(TrainingClock clock, TrainingHistory history) {
        double finalValue(String name) {
            double[] series = history.series(name);
            return series[series.length - 1];
        }

        double largestDifference(Run other, String name) {
            double[] a = history.series(name);
            double[] b = other.history.series(name);
            double max = 0;
            for (int i = 0; i < Math.min(a.length, b.length); i++) {
                max = Math.max(max, Math.abs(a[i] - b[i]));
            }
            return max;
        }
    }

    private Run train(HybridSequential net, ArrayDataset trainSet, ArrayDataset valSet, Path dir, String prefix,
                      PrintWriter w) {
        Trainer trainer = new Trainer(net.collectParams(), "adam", Map.of("learning_rate", LEARNING_RATE));
        Estimator est = Estimator.builder(net, new SoftmaxCrossEntropyLoss()).trainer(trainer).seed(seed)
                .logger(new WarningsOnly(spec.commandLine().getErr())).build();
        TrainingClock clock = new TrainingClock();
        List<EventHandler> handlers = new ArrayList<>(List.of(clock, new HistoryHandler(dir, prefix),
                new EpochLines(w, clock)));
        if (ProgressBarHandler.interactive()) {
            w.flush();
            handlers.add(new ProgressBarHandler(System.out));   // the terminal itself, not the launcher's stderr pipe
        }
        DataLoader train = DataLoader.builder(trainSet).batchSize(BATCH).shuffle(true).seed(seed).build();
        TrainingHistory history = est.fit(train, DataLoader.builder(valSet).batchSize(VALIDATION_BATCH).build(), epochs, handlers);
        return new Run(clock, history);
    }


    private static List<String[]> fileList(ExportedFiles exported) {
        return List.of(
                new String[] {exported.symbolFile().getFileName().toString(), "the hybridized net's graph"},
                new String[] {exported.paramsFile().getFileName().toString(), "its trained parameters"},
                new String[] {exported.metadataFile().getFileName().toString(), "its input names and shapes"},
                new String[] {"sample-input.params", "a batch of validation images (key data)"},
                new String[] {"sample-output.params", "Kiln's predictions for it (key output)"},
                new String[] {"eager.png, eager.svg", "training curves of the eager run (and .csv, .json)"},
                new String[] {"hybridized.png, .svg", "training curves of the hybridized run (and .csv, .json)"});
    }

    private void requirePositive(String option, int value) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), option + " must be at least 1, got " + value);
        }
    }

    private static Path createDirectory(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new KilnException("cannot write into " + dir + ": it is a file, not a directory");
        }
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the output directory " + dir + ": " + e, e);
        }
    }
}
