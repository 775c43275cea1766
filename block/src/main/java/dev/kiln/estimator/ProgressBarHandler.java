package dev.kiln.estimator;

import dev.kiln.metric.MetricValue;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.Console;
import java.io.PrintStream;
import java.util.List;

/**
 * A console progress bar per epoch (me.tongfei's progressbar), counting samples so that it shows throughput in
 * samples/s and an ETA, with the running training loss beside it and the epoch's values when it ends. The first
 * epoch's length is unknown unless the data is a collection; later epochs take the length of the one before.
 *
 * <p>The estimator adds one to its default handlers only when {@code EstimatorBuilder.progressBar(out)} names the
 * stream to draw on: library code never writes to the console on its own. {@link #interactive()} tells a console
 * application whether a bar is worth drawing.
 */
public final class ProgressBarHandler implements TrainBegin, EpochBegin, BatchEnd, EpochEnd, TrainEnd {
    private final PrintStream out;
    private ProgressBar bar;
    private int epoch;
    private long samplesThisEpoch;
    private long samplesPerEpoch = -1;

    /** Draws on {@code out} ({@code System.err} keeps a console application's piped results clean). */
    public ProgressBarHandler(PrintStream out) {
        this.out = out;
    }

    /**
     * Whether a bar is wanted by default: the JVM has an interactive terminal, the {@code CI} environment variable
     * is unset and the system property {@code kiln.progress} is not {@code false}.
     */
    public static boolean interactive() {
        Console console = System.console();
        return console != null && console.isTerminal() && System.getenv("CI") == null
                && !"false".equalsIgnoreCase(System.getProperty("kiln.progress"));
    }

    @Override
    public int priority() {
        return Integer.MAX_VALUE - 1;
    }

    @Override
    public void trainBegin(Estimator estimator) {
        epoch = 0;
        samplesPerEpoch = -1;
    }

    @Override
    public void epochBegin(Estimator estimator) {
        String total = estimator.maxEpoch() != null ? "/" + estimator.maxEpoch() : "";
        bar = new ProgressBarBuilder()
                .setTaskName("Epoch " + (epoch + 1) + total)
                .setInitialMax(samplesPerEpoch)
                .setUnit(" samples", 1)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(out))
                .build();
        samplesThisEpoch = 0;
    }

    @Override
    public boolean batchEnd(Estimator estimator, BatchResult result) {
        samplesThisEpoch += result.batchSize();
        bar.stepBy(result.batchSize());
        MetricValue loss = estimator.trainValues().getFirst();
        bar.setExtraMessage(" " + LoggingHandler.format(List.of(loss)));
        return false;
    }

    @Override
    public boolean epochEnd(Estimator estimator) {
        samplesPerEpoch = samplesThisEpoch;
        bar.maxHint(samplesThisEpoch);
        bar.setExtraMessage(" " + LoggingHandler.format(estimator.reportedValues()));
        bar.close();
        bar = null;
        epoch++;
        return false;
    }

    @Override
    public void trainEnd(Estimator estimator) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
