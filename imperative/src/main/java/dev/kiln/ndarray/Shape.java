package dev.kiln.ndarray;

import dev.kiln.KilnException;

import java.util.Arrays;

/**
 * An immutable array shape. Concrete shapes have dims {@code >= 0}; partial shapes (used by shape inference)
 * mark an unknown dimension with {@value #UNKNOWN} and an unknown rank with {@link #unknownRank()}.
 * Printed MXNet-style as {@code (2, 3)}, {@code (3,)} and {@code ()}.
 */
public final class Shape {
    /** Marks a dimension whose size is not known yet. */
    public static final int UNKNOWN = -1;

    private static final Shape SCALAR = new Shape(new int[0]);
    private static final Shape UNKNOWN_RANK = new Shape(null);

    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    /** A concrete shape; every dim must be {@code >= 0}. */
    public static Shape of(int... dims) {
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new KilnException("shape dims must be >= 0, got " + Arrays.toString(dims) + " (dim " + i + ")");
            }
        }
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    /** A concrete shape from 64-bit dims (as stored in MXNet files); each must fit an int. */
    public static Shape ofLongs(long... dims) {
        int[] d = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE) {
                throw new KilnException("shape dim " + i + " out of range: " + Arrays.toString(dims));
            }
            d[i] = (int) dims[i];
        }
        return new Shape(d);
    }

    /** A shape that may contain {@link #UNKNOWN} dims. */
    public static Shape partial(int... dims) {
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < UNKNOWN) {
                throw new KilnException("partial shape dims must be >= -1, got " + Arrays.toString(dims));
            }
        }
        return new Shape(dims.clone());
    }

    /** The 0-d shape {@code ()} of a scalar. */
    public static Shape scalar() {
        return SCALAR;
    }

    /** A shape whose rank is unknown. */
    public static Shape unknownRank() {
        return UNKNOWN_RANK;
    }

    public boolean isRankKnown() {
        return dims != null;
    }

    /** True if the rank and every dim are known. */
    public boolean isKnown() {
        if (dims == null) {
            return false;
        }
        for (int d : dims) {
            if (d == UNKNOWN) {
                return false;
            }
        }
        return true;
    }

    public int rank() {
        requireRank();
        return dims.length;
    }

    /** Dim {@code axis}; negative axes count from the end. */
    public int get(int axis) {
        return dims[normalizeAxis(axis)];
    }

    /** A copy of the dims. */
    public int[] dims() {
        requireRank();
        return dims.clone();
    }

    /** Dims as 64-bit values, as MXNet's files store them. */
    public long[] toLongArray() {
        requireRank();
        long[] out = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = dims[i];
        }
        return out;
    }

    /** Number of elements; fails for partial shapes and for sizes that do not fit a Java array. */
    public int size() {
        long n = sizeLong();
        if (n > Integer.MAX_VALUE - 8) {
            throw new KilnException("shape " + this + " has " + n + " elements, more than a Java array holds");
        }
        return (int) n;
    }

    /** Number of elements as a long (no overflow up to 2^63). */
    public long sizeLong() {
        if (!isKnown()) {
            throw new KilnException("size of partial shape " + this + " is unknown");
        }
        long n = 1;
        for (int d : dims) {
            n = Math.multiplyExact(n, (long) d);
        }
        return n;
    }

    /** Product of dims in {@code [from, to)}. */
    public int sizeOf(int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) {
            n *= dims[i];
        }
        return Math.toIntExact(n);
    }

    /** Row-major strides in elements. */
    public int[] strides() {
        requireRank();
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    /** The row-major multi-index of element {@code flat} (numpy's {@code unravel_index}). */
    public int[] unravel(int flat) {
        int[] idx = new int[dims.length];
        for (int d = dims.length - 1; d >= 0; d--) {
            idx[d] = dims[d] == 0 ? 0 : flat % dims[d];
            flat = dims[d] == 0 ? 0 : flat / dims[d];
        }
        return idx;
    }

    /** Maps a possibly negative axis onto {@code [0, rank)}, with a clear error when out of range. */
    public int normalizeAxis(int axis) {
        int r = rank();
        int a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) {
            throw new KilnException("axis " + axis + " is out of range for shape " + this + " (rank " + r + ")");
        }
        return a;
    }

    /** A new shape with dim {@code axis} replaced. */
    public Shape with(int axis, int dim) {
        int[] d = dims();
        d[normalizeAxis(axis)] = dim;
        return new Shape(d);
    }

    /** A new shape with {@code dim} inserted at {@code axis} ({@code 0..rank}). */
    public Shape insert(int axis, int dim) {
        int[] d = dims();
        int[] out = new int[d.length + 1];
        System.arraycopy(d, 0, out, 0, axis);
        out[axis] = dim;
        System.arraycopy(d, axis, out, axis + 1, d.length - axis);
        return new Shape(out);
    }

    /** A new shape without dim {@code axis}. */
    public Shape remove(int axis) {
        int a = normalizeAxis(axis);
        int[] d = dims();
        int[] out = new int[d.length - 1];
        System.arraycopy(d, 0, out, 0, a);
        System.arraycopy(d, a + 1, out, a, d.length - a - 1);
        return new Shape(out);
    }

    /** Dims {@code [from, to)} as a shape. */
    public Shape slice(int from, int to) {
        return new Shape(Arrays.copyOfRange(dims(), from, to));
    }

    /** This shape's dims followed by {@code other}'s. */
    public Shape concat(Shape other) {
        int[] a = dims();
        int[] b = other.dims();
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return new Shape(out);
    }

    /**
     * The NumPy broadcast of two shapes: aligned from the right, each pair of dims equal or one of them 1.
     *
     * @throws KilnException naming both shapes when they are incompatible
     */
    public static Shape broadcast(Shape a, Shape b) {
        int ra = a.rank();
        int rb = b.rank();
        int r = Math.max(ra, rb);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - ra ? 1 : a.dims[i - (r - ra)];
            int db = i < r - rb ? 1 : b.dims[i - (r - rb)];
            if (da == db || db == 1) {
                out[i] = da;
            } else if (da == 1) {
                out[i] = db;
            } else if (da == UNKNOWN || db == UNKNOWN) {
                out[i] = Math.max(da, db) == UNKNOWN ? UNKNOWN : Math.max(da, db);
            } else {
                throw new KilnException("shapes " + a + " and " + b + " cannot be broadcast together (dim " + i
                        + " of the result: " + da + " vs " + db + ")");
            }
        }
        return new Shape(out);
    }

    /** True if this shape broadcasts to {@code target} without changing {@code target}. */
    public boolean broadcastsTo(Shape target) {
        int r = rank();
        int rt = target.rank();
        if (r > rt) {
            return false;
        }
        for (int i = 0; i < r; i++) {
            int d = dims[i];
            int t = target.dims[rt - r + i];
            if (d != t && d != 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * MXNet's {@code Reshape} with its special codes: {@code 0} copies a dim, {@code -1} infers one dim,
     * {@code -2} copies all remaining dims, {@code -3} merges two consecutive dims, {@code -4} splits a dim into the
     * two values that follow (one of which may be {@code -1}). With {@code reverse}, codes are matched from the right.
     */
    public Shape reshape(int[] spec, boolean reverse) {
        return ReshapeCodes.apply(this, spec, reverse);
    }

    /** Plain reshape to the given dims, where one dim may be {@code -1}. */
    public Shape reshape(int... spec) {
        return ReshapeCodes.apply(this, spec, false);
    }

    private void requireRank() {
        if (dims == null) {
            throw new KilnException("shape rank is unknown");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** MXNet/Python tuple form: {@code (2, 3)}, {@code (3,)}, {@code ()}; unknown dims print as {@code -1}. */
    @Override
    public String toString() {
        if (dims == null) {
            return "<unknown rank>";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(dims[i]);
        }
        if (dims.length == 1) {
            sb.append(',');
        }
        return sb.append(')').toString();
    }

    /** Compact form used in array summaries: {@code 2x3}. */
    public String toCompactString() {
        if (dims == null) {
            return "?";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                sb.append('x');
            }
            sb.append(dims[i]);
        }
        return sb.toString();
    }
}
