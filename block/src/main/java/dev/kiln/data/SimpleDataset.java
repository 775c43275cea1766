package dev.kiln.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A dataset over a list of samples held in memory, as Gluon's {@code SimpleDataset}. */
public final class SimpleDataset<T> implements Dataset<T> {
    private final List<T> samples;

    /** Wraps the list (a copy of it: later changes to {@code samples} do not show). */
    public SimpleDataset(List<? extends T> samples) {
        this.samples = new ArrayList<>(Objects.requireNonNull(samples, "samples"));
    }

    /** Evaluates every sample of {@code source} once and keeps the results. */
    static <T> SimpleDataset<T> copyOf(Dataset<T> source) {
        List<T> out = new ArrayList<>(source.size());
        for (int i = 0; i < source.size(); i++) {
            out.add(source.get(i));
        }
        return new SimpleDataset<>(out);
    }

    @Override
    public int size() {
        return samples.size();
    }

    @Override
    public T get(int index) {
        return samples.get(Objects.checkIndex(index, samples.size()));
    }
}
