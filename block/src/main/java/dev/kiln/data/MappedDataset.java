package dev.kiln.data;

import java.util.function.Function;

/** The lazy view behind {@link Dataset#transform}: each access reads the source sample and applies the function. */
final class MappedDataset<S, T> implements Dataset<T> {
    private final Dataset<S> source;
    private final Function<? super S, ? extends T> fn;

    MappedDataset(Dataset<S> source, Function<? super S, ? extends T> fn) {
        this.source = source;
        this.fn = fn;
    }

    @Override
    public int size() {
        return source.size();
    }

    @Override
    public T get(int index) {
        return fn.apply(source.get(index));
    }
}
