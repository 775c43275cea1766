package dev.kiln.data;

import dev.kiln.KilnException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Groups another sampler's indices into batches of {@code batchSize}, as Gluon's {@code BatchSampler}. With
 * {@link LastBatch#ROLLOVER} the remainder of one pass is kept and starts the next pass's first batch, so a sampler
 * over 10 indices in batches of 3 yields 3 batches, then (1 carried + 10) / 3 = 3 batches with 2 carried, and so on.
 */
public final class BatchSampler implements Sampler<List<Integer>> {
    private final Sampler<Integer> sampler;
    private final int batchSize;
    private final LastBatch lastBatch;
    private List<Integer> carried = List.of();

    /** Batches that keep the last, shorter one. */
    public BatchSampler(Sampler<Integer> sampler, int batchSize) {
        this(sampler, batchSize, LastBatch.KEEP);
    }

    public BatchSampler(Sampler<Integer> sampler, int batchSize, LastBatch lastBatch) {
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        if (batchSize <= 0) {
            throw new KilnException("BatchSampler: batch_size must be positive, got " + batchSize);
        }
        this.batchSize = batchSize;
        this.lastBatch = Objects.requireNonNull(lastBatch, "lastBatch");
    }

    public int batchSize() {
        return batchSize;
    }

    public LastBatch lastBatch() {
        return lastBatch;
    }

    /** The batches of the next pass; with rollover this counts the indices carried from the previous pass. */
    @Override
    public synchronized int size() {
        return switch (lastBatch) {
            case KEEP -> (sampler.size() + batchSize - 1) / batchSize;
            case DISCARD -> sampler.size() / batchSize;
            case ROLLOVER -> (carried.size() + sampler.size()) / batchSize;
        };
    }

    /**
     * Positions the inner sampler at {@code epoch}; with rollover it replays the passes before it (indices only, no
     * data is loaded) to rebuild the carried remainder.
     */
    @Override
    public synchronized void setEpoch(long epoch) {
        carried = List.of();
        if (lastBatch != LastBatch.ROLLOVER) {
            sampler.setEpoch(epoch);
            return;
        }
        sampler.setEpoch(0);
        for (long pass = 0; pass < epoch; pass++) {
            iterator().forEachRemaining(batch -> { });
        }
    }

    /** One pass; with rollover it takes over the indices carried so far and leaves its own remainder at the end. */
    @Override
    public synchronized Iterator<List<Integer>> iterator() {
        List<Integer> start = carried;
        carried = List.of();
        Iterator<Integer> source = sampler.iterator();
        return new Iterator<>() {
            private List<Integer> pending = new ArrayList<>(start);
            private List<Integer> ready = advance();

            private List<Integer> advance() {
                while (source.hasNext()) {
                    pending.add(source.next());
                    if (pending.size() == batchSize) {
                        List<Integer> batch = List.copyOf(pending);
                        pending = new ArrayList<>();
                        return batch;
                    }
                }
                if (pending.isEmpty()) {
                    return null;
                }
                List<Integer> rest = List.copyOf(pending);
                pending = new ArrayList<>();
                return switch (lastBatch) {
                    case KEEP -> rest;
                    case DISCARD -> null;
                    case ROLLOVER -> {
                        synchronized (BatchSampler.this) {
                            carried = rest;
                        }
                        yield null;
                    }
                };
            }

            @Override
            public boolean hasNext() {
                return ready != null;
            }

            @Override
            public List<Integer> next() {
                if (ready == null) {
                    throw new NoSuchElementException();
                }
                List<Integer> out = ready;
                ready = advance();
                return out;
            }
        };
    }
}
