package dev.kiln.data;

import dev.kiln.KilnException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A finite, indexable collection of samples, as Gluon's {@code Dataset}: {@link #size()} samples reachable by
 * {@link #get(int)}. The derived views ({@link #transform}, {@link #transformFirst}, {@link #filter}, {@link #shard},
 * {@link #take}, {@link #sample}) wrap this dataset without copying it unless asked to.
 *
 * @param <T> the sample type; a sample with several fields (data and label) is a {@code List}
 */
public interface Dataset<T> {
    /** The number of samples. */
    int size();

    /** Sample {@code index}, for {@code 0 <= index < size()}. */
    T get(int index);

    /** A dataset of the given samples. */
    static <T> Dataset<T> of(List<? extends T> samples) {
        return new SimpleDataset<>(samples);
    }

    /** A lazy view whose sample {@code i} is {@code fn(get(i))}, computed on every access (Gluon's default). */
    default <R> Dataset<R> transform(Function<? super T, ? extends R> fn) {
        return transform(fn, true);
    }

    /**
     * A dataset whose samples are {@code fn} applied to this one's. Lazy views call {@code fn} on every access (a
     * random augmentation draws anew each epoch); eager ones call it once per sample now and keep the results.
     */
    default <R> Dataset<R> transform(Function<? super T, ? extends R> fn, boolean lazy) {
        Dataset<R> mapped = new MappedDataset<>(this, fn);
        return lazy ? mapped : SimpleDataset.copyOf(mapped);
    }

    /** A lazy view that applies {@code fn} to the first field of each sample and keeps the rest. */
    default <E> Dataset<T> transformFirst(Function<? super E, ?> fn) {
        return transformFirst(fn, true);
    }

    /**
     * Applies {@code fn} to the first field of each sample (the data, not the label), as Gluon's
     * {@code transform_first}: a {@code List} sample keeps its other fields, any other sample is passed to {@code fn}
     * whole. The field's runtime type must be what {@code fn} accepts.
     */
    @SuppressWarnings("unchecked")
    default <E> Dataset<T> transformFirst(Function<? super E, ?> fn, boolean lazy) {
        return transform(sample -> {
            if (sample instanceof List<?> fields) {
                if (fields.isEmpty()) {
                    throw new KilnException("transformFirst: the sample is an empty list, it has no first field");
                }
                List<Object> out = new ArrayList<>(fields);
                out.set(0, fn.apply((E) fields.get(0)));
                return (T) List.copyOf(out);
            }
            return (T) fn.apply((E) sample);
        }, lazy);
    }

    /** The samples for which {@code keep} holds, in order; the predicate runs over every sample now, as Gluon's. */
    default Dataset<T> filter(Predicate<? super T> keep) {
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            if (keep.test(get(i))) {
                indices.add(i);
            }
        }
        return new IndexedDataset<>(this, indices::get, indices.size());
    }

    /**
     * Part {@code index} of {@code numShards} contiguous parts; the first {@code size() % numShards} parts hold one
     * sample more than the others, as Gluon's {@code shard}.
     */
    default Dataset<T> shard(int numShards, int index) {
        if (numShards <= 0) {
            throw new KilnException("shard: the number of shards must be positive, got " + numShards);
        }
        if (index < 0 || index >= numShards) {
            throw new KilnException("shard: index " + index + " is out of range for " + numShards + " shards");
        }
        int base = size() / numShards;
        int rest = size() % numShards;
        int start = base * index + Math.min(index, rest);
        int length = base + (index < rest ? 1 : 0);
        return new IndexedDataset<>(this, i -> start + i, length);
    }

    /** The first {@code count} samples, or all of them if there are fewer. */
    default Dataset<T> take(int count) {
        if (count < 0) {
            throw new KilnException("take: count must not be negative, got " + count);
        }
        return new IndexedDataset<>(this, i -> i, Math.min(count, size()));
    }

    /** The samples at the indices one pass of {@code sampler} yields, in that order. */
    default Dataset<T> sample(Sampler<Integer> sampler) {
        List<Integer> indices = new ArrayList<>(sampler.size());
        for (int i : sampler) {
            if (i < 0 || i >= size()) {
                throw new KilnException("sample: the sampler yielded index " + i + " but the dataset has " + size()
                        + " samples");
            }
            indices.add(i);
        }
        return new IndexedDataset<>(this, indices::get, indices.size());
    }
}
