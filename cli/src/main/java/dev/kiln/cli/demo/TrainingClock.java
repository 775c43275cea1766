package dev.kiln.cli.demo;

import dev.kiln.estimator.BatchEnd;
import dev.kiln.estimator.BatchResult;
import dev.kiln.estimator.EpochBegin;
import dev.kiln.estimator.EpochEnd;
import dev.kiln.estimator.Estimator;

import java.util.ArrayList;
import java.util.List;

/**
 * Times the training part of every epoch (forward, loss, backward, optimizer step and metric updates of each batch)
 * and counts its samples, leaving out the validation that follows: its priority puts its epoch end just before the
 * estimator's validation handler.
 */
final class TrainingClock implements EpochBegin, BatchEnd, EpochEnd {
    /** One epoch's training: samples seen and seconds taken. */
    record Epoch(long samples, double seconds) {
    }

    private final List<Epoch> epochs = new ArrayList<>();
    private long start;
    private long samples;

    @Override
    public int priority() {
        return -1001;
    }

    @Override
    public void epochBegin(Estimator estimator) {
        samples = 0;
        start = System.nanoTime();
    }

    @Override
    public boolean batchEnd(Estimator estimator, BatchResult result) {
        samples += result.batchSize();
        return false;
    }

    @Override
    public boolean epochEnd(Estimator estimator) {
        epochs.add(new Epoch(samples, (System.nanoTime() - start) / 1e9));
        return false;
    }

    List<Epoch> epochs() {
        return List.copyOf(epochs);
    }

    /** Seconds of training over all epochs, compilation and first-epoch warm-up included. */
    double totalSeconds() {
        return epochs.stream().mapToDouble(Epoch::seconds).sum();
    }

    /**
     * Training samples per second over the epochs after the first (the steady state, past the JVM's warm-up and
     * the hybridized graph's compilation), or over the only epoch when there is one.
     */
    double steadySamplesPerSecond() {
        List<Epoch> counted = epochs.size() > 1 ? epochs.subList(1, epochs.size()) : epochs;
        if (counted.isEmpty()) {
            throw new IllegalStateException("TrainingClock: no epoch was timed");
        }
        long n = counted.stream().mapToLong(Epoch::samples).sum();
        return n / counted.stream().mapToDouble(Epoch::seconds).sum();
    }
}
