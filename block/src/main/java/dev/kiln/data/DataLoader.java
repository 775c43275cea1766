package dev.kiln.data;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.random.Generator;
import dev.kiln.random.Random;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loads a dataset in mini-batches, as Gluon's {@code DataLoader}: a batch sampler picks the sample indices of each
 * batch, the samples are read and merged by the batchify function into one NDArray per field ({@code [data,
 * label]}). Each {@link #iterator()} is one epoch. With {@code workers > 0}, batches load on that many daemon threads
 * while the consumer trains, at most {@code prefetch} ahead, still in sampler order. With a seed the shuffle order and
 * the {@link SampleRandom} streams of random augmentations are fixed by the seed and the epoch, so the batches are the
 * same whatever the number of workers. The dataset is read from several threads at once when there are workers.
 */
public final class DataLoader implements Iterable<List<NDArray>> {
    /** Loads one batch given the key of its epoch. */
    private interface EpochLoader {
        List<NDArray> load(List<Integer> indices, long epochKey, int batch);
    }

    private final Sampler<List<Integer>> batchSampler;
    private final EpochLoader loader;
    private final AtomicLong epochs = new AtomicLong();
    private final int workers;
    private final int prefetch;
    private final Duration timeout;
    private final long seed;

    private <T> DataLoader(Builder<T> b, Sampler<List<Integer>> batchSampler, long seed) {
        this.batchSampler = batchSampler;
        this.workers = Math.max(0, b.workers);
        this.prefetch = Math.max(1, b.prefetch != null ? b.prefetch : 2 * workers);
        this.timeout = b.timeout;
        this.seed = seed;
        Dataset<T> dataset = b.dataset;
        Batchify<T> batchify = b.batchify;
        this.loader = (indices, epochKey, batch) -> load(dataset, batchify, indices, epochKey, batch);
    }

    /** A builder over {@code dataset}; at least the batch size (or a batch sampler) must be given. */
    public static <T> Builder<T> builder(Dataset<T> dataset) {
        return new Builder<>(dataset);
    }

    /** The number of batches the next epoch yields (with rollover, counting the samples carried over). */
    public int size() {
        return batchSampler.size();
    }

    public int workers() {
        return workers;
    }

    public int prefetch() {
        return prefetch;
    }

    /** The seed of the shuffle order and the sample random streams (drawn from Kiln's global generator if unset). */
    public long seed() {
        return seed;
    }

    /** The batch sampler in use (the one given, or the one built from batch size, shuffle and last batch). */
    public Sampler<List<Integer>> batchSampler() {
        return batchSampler;
    }

    /**
     * Makes the next {@link #iterator()} yield what epoch {@code epoch} (from 0) of an unbroken run yields: the same
     * batches in the same order, with the same random augmentation streams. A checkpoint resume uses it so that a
     * shuffled run continues exactly; an error when the batch sampler cannot be positioned.
     */
    public synchronized void setEpoch(long epoch) {
        if (epoch < 0) {
            throw new KilnException("DataLoader.setEpoch: epoch must not be negative, got " + epoch);
        }
        batchSampler.setEpoch(epoch);
        epochs.set(epoch);
    }

    /** One epoch of batches; close it to stop its workers early (running it to the end closes it). */
    @Override
    public synchronized BatchIterator iterator() {
        long epochKey = Generator.keyOf(seed, epochs.getAndIncrement());
        return new BatchIterator(batchSampler.iterator(), (indices, batch) -> loader.load(indices, epochKey, batch),
                workers, prefetch, timeout);
    }

    private static <T> List<NDArray> load(Dataset<T> dataset, Batchify<T> batchify, List<Integer> indices,
            long epochKey, int batch) {
        List<T> samples = new ArrayList<>(indices.size());
        long batchKey = Generator.keyOf(epochKey, batch);
        for (int k = 0; k < indices.size(); k++) {
            int index = indices.get(k);
            try {
                samples.add(SampleRandom.with(Generator.keyOf(batchKey, k), () -> dataset.get(index)));
            } catch (RuntimeException e) {
                throw new KilnException("DataLoader: loading sample " + index + " (batch " + batch + ") failed: "
                        + e, e);
            }
        }
        try {
            return batchify.apply(samples);
        } catch (RuntimeException e) {
            throw new KilnException("DataLoader: batchify failed on batch " + batch + " (samples " + indices + "): "
                    + e.getMessage(), e);
        }
    }

    /** Gluon's DataLoader arguments; unset ones take Gluon's defaults. */
    public static final class Builder<T> {
        private final Dataset<T> dataset;
        private Integer batchSize;
        private boolean shuffle;
        private Sampler<Integer> sampler;
        private LastBatch lastBatch;
        private Sampler<List<Integer>> batchSampler;
        private Batchify<T> batchify = Batchify.stack();
        private int workers;
        private Integer prefetch;
        private Long seed;
        private Duration timeout = Duration.ofSeconds(120);

        private Builder(Dataset<T> dataset) {
            this.dataset = Objects.requireNonNull(dataset, "dataset");
        }

        /** Samples per batch; required unless a batch sampler is given. */
        public Builder<T> batchSize(int batchSize) {
            if (batchSize <= 0) {
                throw new KilnException("DataLoader: batch_size must be positive, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Reads the samples in a fresh random order every epoch (not with {@link #sampler}). */
        public Builder<T> shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** The sampler of sample indices (instead of shuffle's or the sequential one). */
        public Builder<T> sampler(Sampler<Integer> sampler) {
            this.sampler = Objects.requireNonNull(sampler, "sampler");
            return this;
        }

        /** What to do with a final batch shorter than the batch size (default keep). */
        public Builder<T> lastBatch(LastBatch lastBatch) {
            this.lastBatch = Objects.requireNonNull(lastBatch, "lastBatch");
            return this;
        }

        /** Gluon's {@code last_batch} string: {@code keep}, {@code discard} or {@code rollover}. */
        public Builder<T> lastBatch(String lastBatch) {
            return lastBatch(LastBatch.parse(lastBatch));
        }

        /** A sampler of whole batches; excludes batch size, shuffle, sampler and last batch. */
        public Builder<T> batchSampler(Sampler<List<Integer>> batchSampler) {
            this.batchSampler = Objects.requireNonNull(batchSampler, "batchSampler");
            return this;
        }

        /** How samples merge into a batch (default {@link Batchify#stack()}). */
        public Builder<T> batchify(Batchify<T> batchify) {
            this.batchify = Objects.requireNonNull(batchify, "batchify");
            return this;
        }

        /** Worker threads loading batches ahead (0, the default, loads on the caller's thread; below 0 means 0). */
        public Builder<T> workers(int workers) {
            this.workers = workers;
            return this;
        }

        /** Batches loading ahead when there are workers (default {@code 2 * workers}, at least 1). */
        public Builder<T> prefetch(int prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        /** Fixes the shuffle order and the sample random streams of every epoch. */
        public Builder<T> seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** How long to wait for a worker's batch before failing (default 120 s, as Gluon). */
        public Builder<T> timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new KilnException("DataLoader: timeout must be positive, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        public DataLoader build() {
            long s = seed != null ? seed : Random.global().nextKey();
            if (batchSampler != null) {
                if (batchSize != null || shuffle || sampler != null || lastBatch != null) {
                    throw new KilnException("DataLoader: batch_size, shuffle, sampler and last_batch must not be "
                            + "specified if batch_sampler is specified.");
                }
                return new DataLoader(this, batchSampler, s);
            }
            if (batchSize == null) {
                throw new KilnException("DataLoader: batch_size must be specified unless batch_sampler is "
                        + "specified");
            }
            Sampler<Integer> indices = sampler;
            if (indices == null) {
                indices = shuffle ? new RandomSampler(dataset.size(), s) : new SequentialSampler(dataset.size());
            } else if (shuffle) {
                throw new KilnException("DataLoader: shuffle must not be specified if sampler is specified");
            }
            LastBatch last = lastBatch != null ? lastBatch : LastBatch.KEEP;
            return new DataLoader(this, new BatchSampler(indices, batchSize, last), s);
        }
    }
}
