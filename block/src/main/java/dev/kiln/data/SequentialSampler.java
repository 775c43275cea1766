package dev.kiln.data;

import dev.kiln.KilnException;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** Yields {@code start, start + 1, ..., start + length - 1} in order, as Gluon's {@code SequentialSampler}. */
public final class SequentialSampler implements Sampler<Integer> {
    private final int length;
    private final int start;

    /** Every pass is the same, so any epoch is already in place. */
    @Override
    public void setEpoch(long epoch) {
    }

    /** Indices {@code 0 .. length - 1}. */
    public SequentialSampler(int length) {
        this(length, 0);
    }

    /** Indices {@code start .. start + length - 1}. */
    public SequentialSampler(int length, int start) {
        if (length < 0) {
            throw new KilnException("SequentialSampler: length must not be negative, got " + length);
        }
        this.length = length;
        this.start = start;
    }

    @Override
    public int size() {
        return length;
    }

    @Override
    public Iterator<Integer> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < length;
            }

            @Override
            public Integer next() {
                if (next >= length) {
                    throw new NoSuchElementException();
                }
                return start + next++;
            }
        };
    }
}
