package dev.kiln.data;

import java.util.Objects;
import java.util.function.IntUnaryOperator;

/** A view of a dataset through an index map: the shared form of {@code filter}, {@code shard}, {@code take}. */
final class IndexedDataset<T> implements Dataset<T> {
    private final Dataset<T> source;
    private final IntUnaryOperator indexMap;
    private final int size;

    IndexedDataset(Dataset<T> source, IntUnaryOperator indexMap, int size) {
        this.source = source;
        this.indexMap = indexMap;
        this.size = size;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public T get(int index) {
        return source.get(indexMap.applyAsInt(Objects.checkIndex(index, size)));
    }
}
