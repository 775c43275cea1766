package dev.kiln.op;

import dev.kiln.KilnException;

import java.util.Arrays;

/**
 * An immutable tuple of ints as op attributes use it ({@code kernel=(3, 3)}, {@code axes=(0, 2)}). Elements may be
 * absent ({@code None}), as in {@code slice}'s {@code begin=(None, 1)}; MXNet's string form round-trips.
 */
public final class IntTuple {
    private static final long NONE = Long.MIN_VALUE;
    private final long[] values;

    private IntTuple(long[] values) {
        this.values = values;
    }

    public static IntTuple of(int... values) {
        long[] v = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            v[i] = values[i];
        }
        return new IntTuple(v);
    }

    /** A tuple where {@code null} elements are {@code None}. */
    public static IntTuple ofNullable(Integer... values) {
        long[] v = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            v[i] = values[i] == null ? NONE : values[i];
        }
        return new IntTuple(v);
    }

    /** Parses {@code (3, 3)}, {@code [3,3]}, {@code (3,)}, {@code 3}, {@code ()} and {@code (None, 2)}. */
    public static IntTuple parse(String text) {
        String t = text.trim();
        if ((t.startsWith("(") && t.endsWith(")")) || (t.startsWith("[") && t.endsWith("]"))) {
            t = t.substring(1, t.length() - 1).trim();
        }
        if (t.isEmpty()) {
            return new IntTuple(new long[0]);
        }
        String[] parts = t.split(",");
        int n = parts.length;
        if (parts[n - 1].trim().isEmpty()) {
            n--;
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            String p = parts[i].trim();
            if (p.equals("None")) {
                v[i] = NONE;
            } else {
                try {
                    if (p.endsWith("L")) {
                        p = p.substring(0, p.length() - 1);
                    }
                    v[i] = Long.parseLong(p);
                } catch (NumberFormatException e) {
                    throw new KilnException("cannot parse '" + text + "' as a tuple of ints");
                }
            }
        }
        return new IntTuple(v);
    }

    public int size() {
        return values.length;
    }

    public boolean isEmpty() {
        return values.length == 0;
    }

    /** True if element {@code i} is {@code None}. */
    public boolean isNone(int i) {
        return values[i] == NONE;
    }

    /** Element {@code i}; fails if it is {@code None}. */
    public int get(int i) {
        if (values[i] == NONE) {
            throw new KilnException("element " + i + " of " + this + " is None");
        }
        return Math.toIntExact(values[i]);
    }

    /** Element {@code i}, or {@code null} for {@code None}. */
    public Integer getOrNull(int i) {
        return values[i] == NONE ? null : Math.toIntExact(values[i]);
    }

    /** All elements as ints; fails if any is {@code None}. */
    public int[] toArray() {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = get(i);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IntTuple t && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    /** MXNet's form: {@code (3, 3)}, {@code (3,)}, {@code ()}, {@code (None, 2)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(values[i] == NONE ? "None" : Long.toString(values[i]));
        }
        if (values.length == 1) {
            sb.append(',');
        }
        return sb.append(')').toString();
    }
}
